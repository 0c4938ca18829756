"""A question about deciding an approval is not a decision (issue 10; the `trips`
world: Ava's Boston→Paris flight waits for Mia, her manager).

"Why can't I approve Ava's trip?" asked for the approval of a rejection once "can't
approve" learnt to mean reject, and before that for an approval: why/how questions
about approving or rejecting now answer with what waits on the caller, and a decision
with a question as its note stays a decision.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concierge.heldout.harness import (
    World,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("trips")


@pytest.mark.parametrize(
    "text",
    [
        "Why can't I approve Ava's trip?",
        "how come I can't approve the paris one",
        "how do I reject ava's trip?",
        "where do i approve avas booking",
        "why cant i sign off on ava's paris flight??",
    ],
)
async def test_a_question_about_deciding_lists_what_waits(
    text: str, worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(
        text,
        world="trips",
        user="mia",
        tools_include=["list_approvals"],
        pending=None,
        nothing_changed=True,
        reply_contains="Ava Patel",
    )
    await runs_as_expected(case, worlds, tmp_path)


async def test_a_rejection_with_a_question_as_its_note_is_still_a_rejection(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(
        "reject ava's trip, why does she need to fly so late",
        world="trips",
        user="mia",
        pending="decide_approval",
        pending_args={"decision": "reject"},
    )
    await runs_as_expected(case, worlds, tmp_path)
