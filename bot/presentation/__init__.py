"""Presentation: the words people read, the button codec, and what a queued message says.

Nothing here imports Telegram's objects or storage: services decide what happened, and
handlers and the delivery worker turn that into text and buttons with the code here.
"""
