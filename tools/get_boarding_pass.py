"""get_boarding_pass: the caller's boarding passes for flights still to leave."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.checkin.service import list_boarding_passes
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import BoardingPassOut, boarding_pass_out


class GetBoardingPassInput(BaseModel):
    """Whose passes: the caller's, of one booking or of every upcoming flight."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str | None = Field(
        default=None, min_length=1, max_length=40, description="Only this booking's passes."
    )


class GetBoardingPassOutput(BaseModel):
    boarding_passes: list[BoardingPassOut] = Field(
        description="Soonest flight first; empty: nobody is checked in yet (check_in)."
    )


async def run(ctx: ToolContext, data: GetBoardingPassInput) -> GetBoardingPassOutput:
    async with ctx.rt.db.uow(write=False) as session:
        views = await list_boarding_passes(
            session,
            ctx.caller,
            now=ctx.rt.clock.now(),
            settings=ctx.rt.settings,
            booking_id=data.booking_id.strip() if data.booking_id else None,
        )
    return GetBoardingPassOutput(boarding_passes=[boarding_pass_out(v) for v in views])


TOOL: ToolSpec[GetBoardingPassInput, GetBoardingPassOutput] = ToolSpec(
    name="get_boarding_pass",
    description=(
        "The caller's boarding passes for upcoming flights (of one booking, or all): "
        "passenger, flight, seat, sequence number and the links to the printable pass."
    ),
    input_model=GetBoardingPassInput,
    output_model=GetBoardingPassOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
