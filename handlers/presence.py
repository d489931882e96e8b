"""Telegram tells the bot when someone blocks it or comes back."""

from __future__ import annotations

from telegram import ChatMember, Update

from bot.context import ChorusContext


async def chat_member_changed(update: Update, context: ChorusContext) -> None:
    """Stop queuing for someone who blocked the bot; start again when they return."""
    change = update.my_chat_member
    if change is None or change.chat.type != change.chat.PRIVATE:
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await context.services.membership.set_reachable(change.from_user.id, not blocked)
