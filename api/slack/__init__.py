"""The Slack bot: Events API and interactivity at ``POST /slack/events`` (slack-bolt).

Each Slack thread is one conversation; Slack users map to travellers through
``User.slack_user_id``; replies go into the thread; options, confirmations and
manager approvals are Block Kit buttons whose clicks are checked against the
clicking user's own rights.
"""

from api.slack.bot import SlackBot, mount_slack

__all__ = ["SlackBot", "mount_slack"]
