"""Describing a failure for the log without what anyone wrote."""

from __future__ import annotations

import traceback


def describe(error: BaseException) -> str:
    """The exception's type and where it was raised, without its message.

    Messages can carry what a member wrote (a database error quotes the values it was
    given), so only types, files, lines and function names are logged.
    """
    lines = []
    current: BaseException | None = error
    while current is not None:
        lines.append(type(current).__module__ + "." + type(current).__qualname__)
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("caused by:")
    return "\n".join(lines)
