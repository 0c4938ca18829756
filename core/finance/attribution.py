"""Whose money is it: the organization a charge's Stripe customer or card belongs to.

A charge no booking of ours explains (a capture on an intent we never made, a
supplier or gateway charge for an unknown booking) is still some organization's
money; filed without one, no finance team would ever see it. The Stripe customer
(``organizations.stripe_customer_id``) names its organization outright; a payment
method (card token or ``pm_…``) does only when exactly one organization pays with
it — a card two organizations share names neither, so that no company is shown
another's charge.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Organization


async def org_paying_with(
    session: AsyncSession, *, customer: str | None = None, payment_method: str | None = None
) -> str | None:
    """The organization of the Stripe ``customer``, else the only one paying with
    ``payment_method``; ``None`` when neither names exactly one."""
    if customer:
        org_id = await session.scalar(
            select(Organization.id).where(Organization.stripe_customer_id == customer)
        )
        if org_id is not None:
            return str(org_id)
    if payment_method:
        orgs = (
            await session.scalars(
                select(Organization.id)
                .where(Organization.payment_method == payment_method)
                .limit(2)
            )
        ).all()
        if len(orgs) == 1:
            return str(orgs[0])
    return None
