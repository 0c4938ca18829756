"""Conversations and the traveller they belong to: threads (found or created once,
here) and the traveller profile every channel and tool reads."""
