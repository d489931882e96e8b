"""The outbox: the delivery worker that sends queued messages, and its rate limiter."""
