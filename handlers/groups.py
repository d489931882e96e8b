"""Journey J1 for coordinators: making groups, invite links, and seeing who has joined."""

from __future__ import annotations

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.buttons import way_out_rows
from bot.presentation.callbacks import Action
from bot.presentation.texts import Raw, label, say
from bot.services.access import Need, Thing
from bot.services.groups import GROUP_NAME_MAX, JOIN_PREFIX, CreateOutcome
from bot.services.roles import Role
from handlers.common import (
    ask_to_choose,
    button_int,
    chat_id,
    coordinators_only,
    keyboard,
    names,
    pick_managed_group,
    respond,
    respond_long,
    sender_id,
)

# Members listed with a Remove button each, at most (a longer list is shown without).
REMOVE_BUTTONS_MAX = 48


@coordinators_only
async def newgroup_command(update: Update, context: ChorusContext) -> None:
    """Ask for the new group's name."""
    allowed = await context.services.groups.begin_new_group(sender_id(update), chat_id(update))
    text = texts.NEWGROUP_ASK if allowed else texts.ONLY_COORDINATORS
    await respond(update, say(text, limit=GROUP_NAME_MAX))


async def group_name_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Make the group with the name typed, and give its invite link."""
    result = await context.services.groups.create(sender_id(update), chat_id(update), text)
    if result.outcome is CreateOutcome.CREATED and result.group is not None:
        link = context.start_link(JOIN_PREFIX + result.group.invite_code)
        await respond(update, say(texts.NEWGROUP_DONE, group=result.group.name, link=link))
    elif result.outcome is CreateOutcome.BAD_NAME:
        await respond(update, say(texts.NEWGROUP_BAD, limit=GROUP_NAME_MAX))
    else:
        await respond(update, say(texts.ONLY_COORDINATORS))


@coordinators_only
async def invite_command(update: Update, context: ChorusContext) -> None:
    """Give the invite link of the coordinator's group (asking which, if several)."""
    await pick_managed_group(update, context, Action.INVITE_PICK, texts.INVITE_PICK, _show_invite)


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def invite_pick_tapped(update: Update, context: ChorusContext) -> None:
    """Give the invite link for the chosen group."""
    await _show_invite(update, context, button_int(update) or 0)


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def invite_renew_tapped(update: Update, context: ChorusContext) -> None:
    """Replace the group's invite link, so the old one stops working."""
    group = await context.services.groups.renew_invite(sender_id(update), button_int(update) or 0)
    if group is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    link = context.start_link(JOIN_PREFIX + group.invite_code)
    await respond(update, say(texts.INVITE_RENEWED, group=group.name, link=link))


@coordinators_only
async def members_command(update: Update, context: ChorusContext) -> None:
    """List a group's members (asking which group, if several)."""
    await pick_managed_group(
        update, context, Action.MEMBERS_PICK, texts.MEMBERS_PICK, _show_members
    )


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def members_pick_tapped(update: Update, context: ChorusContext) -> None:
    """List the chosen group's members with the names they chose."""
    await _show_members(update, context, button_int(update) or 0)


async def _show_invite(update: Update, context: ChorusContext, group_id: int) -> None:
    group = await context.services.groups.invite(sender_id(update), group_id)
    if group is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    link = context.start_link(JOIN_PREFIX + group.invite_code)
    renew = callbacks.encode(Action.INVITE_RENEW, group.id)
    buttons = keyboard([[(label(texts.BUTTON_RENEW), renew)]])
    await respond(update, say(texts.INVITE_LINK, group=group.name, link=link), buttons)


async def _show_members(update: Update, context: ChorusContext, group_id: int) -> None:
    view = await context.services.groups.members(sender_id(update), group_id)
    if view is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
    elif not view.members:
        await respond(update, say(texts.MEMBERS_NONE, group=view.group.name))
    else:
        lines = [say(texts.MEMBERS_HEADER, group=view.group.name, count=len(view.members))]
        for number, member in enumerate(view.members, start=1):
            name = member.display_name or say(texts.UNNAMED_MEMBER)
            lines.append(say(texts.MEMBER_LINE, number=number, name=name))
        text = Raw("\n".join(lines))
        if len(view.members) > REMOVE_BUTTONS_MAX or len(text) > texts.MAX_MESSAGE - 200:
            await respond_long(update, text)
            return
        buttons = [
            (
                label(texts.BUTTON_MEMBER_REMOVE, number=number),
                callbacks.encode(Action.MEMBER_REMOVE, view.group.id, member.person_id),
            )
            for number, member in enumerate(view.members, start=1)
        ]
        rows = [buttons[start : start + 4] for start in range(0, len(buttons), 4)]
        await respond(update, text, keyboard(rows))


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def member_remove_tapped(update: Update, context: ChorusContext) -> None:
    """Ask once before removing a member from the group."""
    group_id, person_id = button_int(update) or 0, button_int(update, 1) or 0
    found = await context.services.membership.removable(sender_id(update), group_id, person_id)
    if found is None:
        await respond(update, say(texts.MEMBER_NOT_THERE))
        return
    yes = callbacks.encode(Action.MEMBER_REMOVE_YES, group_id, person_id)
    rows = [
        [(label(texts.BUTTON_MEMBER_REMOVE_YES), yes)],
        [(label(texts.BUTTON_MEMBER_REMOVE_NO), callbacks.encode(Action.MEMBER_REMOVE_NO))],
    ]
    name = found.display_name or say(texts.UNNAMED_MEMBER)
    question = say(texts.MEMBER_REMOVE_CONFIRM, name=name, group=found.group.name)
    back = (Action.MEMBERS_PICK, (group_id,))  # the group's members again
    await ask_to_choose(update, context, question, keyboard(rows), back=back)


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def member_remove_yes_tapped(update: Update, context: ChorusContext) -> None:
    """Remove the member; they are told kindly, with no reason given."""
    group_id, person_id = button_int(update) or 0, button_int(update, 1) or 0
    removed = await context.services.membership.remove(sender_id(update), group_id, person_id)
    if removed is None:
        await respond(update, say(texts.MEMBER_NOT_THERE))
        return
    name = removed.display_name or say(texts.UNNAMED_MEMBER)
    done = say(texts.MEMBER_REMOVED, name=name, group=removed.group.name)
    ask = say(texts.MEMBER_REASON_ASK, group=removed.group.name)
    skip = callbacks.encode(Action.MEMBER_REASON_SKIP)
    buttons = keyboard([[(label(texts.BUTTON_MEMBER_REASON_SKIP), skip)], *way_out_rows()])
    await respond(update, Raw(f"{done}\n\n{ask}"), buttons)
    context.bot_data.worker.kick()


async def member_reason_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Keep the reason a coordinator typed for removing a member, for coordinators only."""
    if await context.services.roles.role_of(sender_id(update)) < Role.COORDINATOR:
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    kept = await context.services.membership.keep_reason(sender_id(update), text)
    if kept is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
    else:
        await respond(update, say(texts.MEMBER_REASON_KEPT if kept else texts.MEMBER_REASON_EMPTY))


@coordinators_only
async def member_reason_skip_tapped(update: Update, context: ChorusContext) -> None:
    """Keep no reason for the removal."""
    await context.services.membership.skip_reason(sender_id(update))
    await respond(update, say(texts.MEMBER_REASON_SKIPPED))


@coordinators_only
async def member_remove_no_tapped(update: Update, context: ChorusContext) -> None:
    """Keep the member."""
    await respond(update, say(texts.MEMBER_KEPT))
