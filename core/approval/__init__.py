"""Approval workflows: multi-step, one approver at a time, each with an SLA (see service.py).

This package never imports ``core.booking``: what a booking does when its workflow
ends is ``core.booking.on_approval``'s."""
