// The try-out's chat page: one person's chat with the bot at a time, as on their phone.
"use strict";

const page = {
  people: [],
  person: null,
  seq: 0,
  bot: { username: "", name: "Chorus" },
  unread: new Map(),
  pendingLink: null,
  // The try-out's time (it can be moved on) as of `fetchedAt` on this computer's clock.
  clock: { at: Date.now(), fetchedAt: Date.now() },
  zone: "Europe/London",
};

const $ = (id) => document.getElementById(id);
// What the page says when the try-out does not answer (never the browser's "Failed to fetch").
const OFFLINE = "Chorus isn't answering. Is it still running?";
// Telegram's limit for one message; longer text goes as several messages, as Telegram does.
const MAX_TEXT = 4096;

async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new Error(OFFLINE);
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (!body.error && response.status >= 500) throw new Error(OFFLINE);
    throw new Error(body.error || `The try-out server answered ${response.status}`);
  }
  return body;
}

function post(path, value) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(value),
  });
}

// ------------------------------------------------------------------ people

function roleLabel(role) {
  return {
    admin: "admin", lead: "lead", coordinator: "coordinator", member: "member", newcomer: "new",
  }[role] || role;
}

function setPeople(people) {
  page.people = people;
  if (page.person) page.person = people.find((p) => p.id === page.person.id) || page.person;
  fillPeople();
  const newcomer = page.people.find((p) => p.role === "newcomer");
  $("invite-person").textContent = newcomer ? newcomer.name : "Someone new";
  const lead = page.people.find((p) => p.role === "lead");
  $("lead-note").hidden = !lead;
  if (lead) $("lead-person").textContent = lead.name;
}

// ------------------------------------------------------------------ time, in the try-out's zone

function tryoutNow() {
  return page.clock.at + (Date.now() - page.clock.fetchedAt);
}

function setClock(seconds) {
  page.clock = { at: seconds * 1000, fetchedAt: Date.now() };
  showClock();
  refreshTimes();
}

function format(ms, options) {
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone: page.zone, ...options }).format(new Date(ms));
  } catch (error) {
    return new Intl.DateTimeFormat("en-GB", options).format(new Date(ms));
  }
}

const HOURS = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const DAY = { weekday: "short", day: "numeric", month: "short" };

function dayOf(ms) {
  return format(ms, { year: "numeric", month: "2-digit", day: "2-digit" });
}

// "14:05" today (by the try-out's clock), "Tue 3 Mar, 14:05" on other days.
function whenText(ms) {
  const time = format(ms, HOURS);
  return dayOf(ms) === dayOf(tryoutNow()) ? time : `${format(ms, DAY)}, ${time}`;
}

let shownDay = "";
function showClock() {
  const now = tryoutNow();
  const text = `${format(now, DAY)}, ${format(now, HOURS)}`;
  const clock = $("clock-time");
  if (clock.textContent !== text) clock.textContent = text;
  if (dayOf(now) !== shownDay) {
    shownDay = dayOf(now);
    refreshTimes();
  }
}

function metaText(item) {
  const time = whenText(Number(item.dataset.date) * 1000);
  return item.dataset.edited ? `edited ${time}` : time;
}

function refreshTimes() {
  for (const item of $("messages").querySelectorAll("li.message")) {
    const meta = item.querySelector(".meta");
    if (meta) meta.textContent = metaText(item);
  }
}

function fillPeople() {
  for (const select of [$("person"), $("open-as")]) {
    const keep = select.value;
    select.replaceChildren();
    for (const person of page.people) {
      const option = document.createElement("option");
      option.value = String(person.id);
      const unread = select.id === "person" ? page.unread.get(person.id) || 0 : 0;
      const speaks = person.language === "cy" ? " · Cymraeg" : person.language ? ` · ${person.language}` : "";
      option.textContent = `${person.name} (${roleLabel(person.role)}${speaks})` + (unread ? ` · ${unread} new` : "");
      select.append(option);
    }
    if (keep) select.value = keep;
  }
  if (page.person) $("person").value = String(page.person.id);
}

async function choosePerson(id) {
  page.person = page.people.find((p) => p.id === id) || page.people[0];
  page.unread.delete(page.person.id);
  sessionStorage.setItem("chorus-tryout-person", String(page.person.id));
  fillPeople();
  await loadChat();
}

// ------------------------------------------------------------------ chat

async function loadChat() {
  const chat = await api(`/tryout/chat/${page.person.id}`);
  $("chat-sub").textContent = `with ${page.person.name}`;
  const list = $("messages");
  list.replaceChildren();
  for (const message of chat.messages) list.append(renderMessage(message));
  if (!chat.messages.length) list.append(emptyHint());
  fillMenu(chat.commands);
  list.scrollTop = list.scrollHeight;
}

function emptyHint() {
  const hint = document.createElement("li");
  hint.className = "hint";
  hint.textContent = `No messages yet. Send /start, or open the Menu to see what ${page.person.name} can do.`;
  return hint;
}

function upsert(message) {
  const list = $("messages");
  const hint = list.querySelector(".hint");
  if (hint) hint.remove();
  const key = `${message.mine ? "me" : "bot"}-${message.id}`;
  const element = renderMessage(message);
  const old = list.querySelector(`[data-key="${key}"]`);
  if (old) {
    const box = list.getBoundingClientRect();
    const was = old.getBoundingClientRect();
    old.replaceWith(element);
    // A message in view that grew (a preview filled in, buttons added) stays in view whole.
    if (was.bottom > box.top && was.top < box.bottom) reveal(element);
    return;
  }
  const later = [...list.children].find((child) => Number(child.dataset.id) > message.id);
  list.insertBefore(element, later || null);
  list.scrollTop = list.scrollHeight;
}

function reveal(element) {
  const list = $("messages");
  const box = list.getBoundingClientRect();
  const shown = element.getBoundingClientRect();
  if (shown.bottom > box.bottom) list.scrollTop += shown.bottom - box.bottom + 8;
}

function renderMessage(message) {
  const item = document.createElement("li");
  item.className = "message" + (message.mine ? " mine" : "");
  item.dataset.id = String(message.id);
  item.dataset.key = `${message.mine ? "me" : "bot"}-${message.id}`;
  item.dataset.date = String(message.date);
  if (message.edited) item.dataset.edited = "1";
  const who = document.createElement("span");
  who.className = "visually-hidden";
  who.textContent = message.mine ? `${page.person.name}: ` : `${page.bot.name}: `;
  item.append(who);
  if (message.photo) {
    const image = document.createElement("img");
    image.src = `/tryout/files/${encodeURIComponent(message.photo)}`;
    image.alt = message.text ? "Photo with the caption below" : "Photo";
    item.append(image);
  }
  if (message.voice) {
    const audio = document.createElement("audio");
    audio.controls = true;
    audio.src = `/tryout/files/${encodeURIComponent(message.voice)}`;
    audio.setAttribute("aria-label", "Voice note");
    item.append(audio);
  }
  if (message.document) {
    const link = document.createElement("a");
    link.className = "file";
    link.href = `/tryout/files/${encodeURIComponent(message.document.file_id)}?save=1`;
    link.download = message.document.name;
    link.textContent = `Download ${message.document.name} (${sizeText(message.document.size)})`;
    item.append(link, document.createElement("br"));
  }
  if (message.text) item.append(renderText(message.text, message.entities || []));
  if (message.buttons && message.buttons.length) item.append(renderButtons(message));
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = metaText(item);
  item.append(meta);
  return item;
}

function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const TAGS = {
  bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code", pre: "pre",
  blockquote: "blockquote", expandable_blockquote: "blockquote", spoiler: "span", text_link: "a",
};

// Text with Bot API entities (offsets in UTF-16 units, which is what JavaScript strings use).
function renderText(text, entities) {
  const cuts = new Set([0, text.length]);
  for (const e of entities) {
    cuts.add(e.offset);
    cuts.add(e.offset + e.length);
  }
  const points = [...cuts].filter((n) => n >= 0 && n <= text.length).sort((a, b) => a - b);
  const body = document.createElement("div");
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [start, end] = [points[i], points[i + 1]];
    const active = entities
      .filter((e) => TAGS[e.type] && e.offset <= start && e.offset + e.length >= end)
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    let node = linkify(text.slice(start, end), active.some((e) => e.type === "text_link"));
    for (const e of active.slice().reverse()) {
      const wrapper = document.createElement(TAGS[e.type]);
      if (e.type === "spoiler") {
        wrapper.className = "spoiler";
        wrapper.tabIndex = 0;
        wrapper.title = "Hidden text: select to show";
        const show = () => wrapper.classList.add("shown");
        wrapper.addEventListener("click", show);
        wrapper.addEventListener("keydown", (ev) => (ev.key === "Enter" || ev.key === " ") && show());
      }
      if (e.type === "text_link") setupLink(wrapper, e.url || "");
      wrapper.append(node);
      node = wrapper;
    }
    body.append(node);
  }
  return body;
}

const URL_RE = /(https?:\/\/[^\s<>"]+|t\.me\/[^\s<>"]+)/g;

function linkify(text, insideLink) {
  const fragment = document.createDocumentFragment();
  if (insideLink) {
    fragment.append(text);
    return fragment;
  }
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    fragment.append(text.slice(last, match.index));
    const link = document.createElement("a");
    const url = match[0].startsWith("http") ? match[0] : `https://${match[0]}`;
    link.textContent = match[0];
    setupLink(link, url);
    fragment.append(link);
    last = match.index + match[0].length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

function startPayload(url) {
  const match = /^https:\/\/t\.me\/([A-Za-z0-9_]+)\?start=([A-Za-z0-9_-]{1,64})$/.exec(url);
  if (!match || match[1].toLowerCase() !== page.bot.username.toLowerCase()) return null;
  return match[2];
}

function setupLink(link, url) {
  const payload = startPayload(url);
  if (payload !== null) {
    link.href = url;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      openStartLink(payload);
    });
    return;
  }
  if (/^https?:\/\//.test(url)) {
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.title = "Opens outside the try-out";
  }
}

function renderButtons(message) {
  const box = document.createElement("div");
  box.className = "buttons";
  for (const row of message.buttons) {
    const line = document.createElement("div");
    line.className = "row";
    for (const button of row) {
      if (button.data) {
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = button.text;
        element.addEventListener("click", () => tap(message.id, button.data));
        line.append(element);
      } else if (button.url) {
        const element = document.createElement("a");
        element.textContent = button.text;
        setupLink(element, button.url);
        line.append(element);
      }
    }
    box.append(line);
  }
  return box;
}

// ------------------------------------------------------------------ doing things

async function act(work) {
  try {
    await work();
    settled();
  } catch (error) {
    toast(error.message, error.message === OFFLINE);
  }
}

// Where Telegram would cut text too long for one message: at the last line break, else the
// last space, in the second half of the part; else at the limit. Each part with its start.
function splitLikeTelegram(text, limit = MAX_TEXT) {
  const parts = [];
  let start = 0;
  while (text.length - start > limit) {
    const window = text.slice(start, start + limit);
    let cut = window.lastIndexOf("\n");
    if (cut < limit / 2) cut = window.lastIndexOf(" ");
    let next;
    if (cut >= limit / 2) {
      next = start + cut + 1;
    } else {
      cut = limit;
      const code = window.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // never split an emoji in two
      next = start + cut;
    }
    parts.push({ text: window.slice(0, cut), start });
    start = next;
  }
  parts.push({ text: text.slice(start), start });
  return parts.filter((part) => part.text.trim());
}

// Send what is in the box; whatever could not be sent stays there.
async function sendBox() {
  const box = $("composer-text");
  const text = box.value;
  for (const part of splitLikeTelegram(text)) {
    try {
      await post("/tryout/send", { person: page.person.id, text: part.text });
    } catch (error) {
      if (box.value === text) box.value = text.slice(part.start);
      toast(error.message, error.message === OFFLINE);
      return;
    }
  }
  if (box.value === text) box.value = "";
  settled();
}

function tap(messageId, data) {
  return act(() => post("/tryout/tap", { person: page.person.id, message_id: messageId, data }));
}

function sendText(text) {
  return act(() => post("/tryout/send", { person: page.person.id, text }));
}

function sendFile(kind, input) {
  const file = input.files[0];
  input.value = "";
  if (!file) return;
  const form = new FormData();
  form.append("person", String(page.person.id));
  form.append("kind", kind);
  form.append("file", file, file.name);
  act(() => api("/tryout/upload", { method: "POST", body: form }));
}

function openStartLink(payload) {
  page.pendingLink = payload;
  fillPeople();
  $("open-as").value = String(page.person.id);
  $("open-link").showModal();
}

let toastTimer = 0;
function toast(text, problem = false) {
  const box = $("toast");
  box.textContent = text;
  box.classList.toggle("problem", problem);
  box.hidden = false;
  clearTimeout(toastTimer);
  // A problem stays until things work again; a passing word goes after a few seconds.
  if (!problem) toastTimer = setTimeout(() => (box.hidden = true), 4000);
}

// Things work (again): the "not answering" notice goes.
function settled() {
  const box = $("toast");
  if (box.classList.contains("problem")) {
    box.hidden = true;
    box.classList.remove("problem");
  }
}

function fillMenu(commands) {
  const menu = $("menu");
  menu.replaceChildren();
  for (const command of commands) {
    const item = document.createElement("li");
    item.setAttribute("role", "none");
    const button = document.createElement("button");
    button.type = "button";
    button.setAttribute("role", "menuitem");
    const name = document.createElement("span");
    name.className = "cmd";
    name.textContent = `/${command.command}`;
    button.append(name, " ", command.description);
    button.addEventListener("click", () => {
      toggleMenu(false);
      sendText(`/${command.command}`);
      $("composer-text").focus();
    });
    item.append(button);
    menu.append(item);
  }
}

function toggleMenu(open) {
  const menu = $("menu");
  menu.hidden = !open;
  $("menu-button").setAttribute("aria-expanded", String(open));
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
  if (open) {
    const first = menu.querySelector("button");
    if (first) first.focus();
  }
}

// ------------------------------------------------------------------ news from the server

async function listen() {
  let lost = false;
  for (;;) {
    try {
      const news = await api(`/tryout/events?after=${page.seq}`);
      const reload = lost || news.missed || news.seq < page.seq;
      page.seq = news.seq;
      if (lost) settled();
      lost = false;
      if (reload) {
        // Back after a gap (perhaps a restart): read everything afresh.
        await loadState();
        await loadChat();
        continue;
      }
      for (const event of news.events) await apply(event);
    } catch (error) {
      lost = true;
      toast(OFFLINE, true);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function apply(event) {
  const here = page.person && event.chat_id === page.person.id;
  if (event.kind === "commands") {
    await loadChat();
  } else if (event.kind === "message") {
    if (here) upsert(event.message);
    else if (!event.message.mine) {
      page.unread.set(event.chat_id, (page.unread.get(event.chat_id) || 0) + 1);
      fillPeople();
    }
  } else if (event.kind === "deleted" && here) {
    const gone = $("messages").querySelector(`[data-key="bot-${event.message_id}"]`);
    if (gone) gone.remove();
  } else if (event.kind === "clock") {
    setClock(event.now);
  } else if (event.kind === "people") {
    setPeople(event.people);
  } else if (event.kind === "toast" && here) {
    toast(event.text);
  }
}

// ------------------------------------------------------------------ start

async function loadState() {
  const state = await api("/tryout/state");
  page.bot = state.bot;
  page.seq = state.seq;
  page.zone = state.zone || page.zone;
  setClock(state.now);
  setPeople(state.people);
  $("bot-name").textContent = state.bot.name;
  const f = state.framing || {};
  if (f.notice) $("notice").textContent = f.notice;
  $("data-note").textContent = f.data || "";
  $("connect-note").textContent = f.connect || "";
  if (f.invite && $("invite-note").hidden) {
    $("invite-note").hidden = false;
    setupLink($("invite-link"), f.invite);
  }
}

async function start() {
  await loadState();
  const saved = Number(sessionStorage.getItem("chorus-tryout-person"));
  await choosePerson(page.people.some((p) => p.id === saved) ? saved : page.people[0].id);
  setInterval(showClock, 1000);
  listen();
}

function wire() {
  document.querySelector(".skip").addEventListener("click", (event) => {
    event.preventDefault();
    $("composer-text").focus();
  });
  $("person").addEventListener("change", (e) => act(() => choosePerson(Number(e.target.value))));
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!$("composer-text").value.trim()) return;
    sendBox();
  });
  $("composer-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("photo-input").addEventListener("change", (e) => sendFile("photo", e.target));
  $("voice-input").addEventListener("change", (e) => sendFile("voice", e.target));
  for (const button of document.querySelectorAll("[data-move]")) {
    button.addEventListener("click", () =>
      act(async () => {
        const moved = await post("/tryout/clock", { move: button.dataset.move });
        setClock(moved.now);
        button.closest("details").open = false;
      }),
    );
  }
  $("menu-button").addEventListener("click", () => toggleMenu($("menu").hidden));
  $("menu").addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      toggleMenu(false);
      $("menu-button").focus();
    }
  });
  $("add-person-open").addEventListener("click", () => {
    $("add-person-error").textContent = "";
    $("new-name").value = "";
    $("add-person").showModal();
  });
  $("add-person-form").addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.value !== "add") return;
    event.preventDefault();
    act(async () => {
      try {
        const person = await post("/tryout/people", { name: $("new-name").value });
        page.people.push(person);
        $("add-person").close();
        await choosePerson(person.id);
      } catch (error) {
        $("add-person-error").textContent = error.message;
      }
    });
  });
  $("open-link").addEventListener("close", () => {
    if ($("open-link").returnValue !== "open" || page.pendingLink === null) return;
    const payload = page.pendingLink;
    page.pendingLink = null;
    act(async () => {
      await choosePerson(Number($("open-as").value));
      await sendText(`/start ${payload}`);
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  wire();
  start().catch((error) => toast(error.message, error.message === OFFLINE));
});
