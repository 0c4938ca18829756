"""Slack shows boarding passes (check_in, get_boarding_pass) as one card each."""

from __future__ import annotations

from api.slack.blocks import tool_blocks

PASS = {
    "pass_id": "BP_7Q2M4XKDPA",
    "booking_id": "BK-7Q2M4X",
    "segment_id": "SG_1",
    "passenger": "Ava <Example>",
    "flight": "BA 117",
    "origin": "JFK",
    "destination": "LHR",
    "depart": "2026-12-18T04:00-05:00",
    "seat": "12C",
    "sequence_number": 7,
    "locator": "X7Y8Z9",
    "pdf": "/v1/boarding-passes/BP_7Q2M4XKDPA.pdf",
    "png": "/v1/boarding-passes/BP_7Q2M4XKDPA.png",
}


def test_each_pass_is_a_card_with_flight_seat_sequence_and_id() -> None:
    for tool in ("check_in", "get_boarding_pass"):
        [card] = tool_blocks(tool, {"boarding_passes": [PASS]})
        text = card["text"]["text"]
        assert "BA 117" in text
        assert "Fri 18 Dec 04:00" in text  # the airport's wall clock
        assert "seat 12C" in text
        assert "sequence 7" in text
        assert "BP_7Q2M4XKDPA" in text
        assert "<Example>" not in text  # escaped for Slack's mrkdwn


def test_no_pass_no_card_and_a_pass_without_seat_says_the_gate() -> None:
    assert tool_blocks("get_boarding_pass", {"boarding_passes": []}) == []
    [card] = tool_blocks("check_in", {"boarding_passes": [{**PASS, "seat": None}]})
    assert "seat at the gate" in card["text"]["text"]


def test_a_pass_card_carries_its_barcode_image_when_a_signed_link_can_be_made() -> None:
    made: list[str] = []

    def barcode(pass_id: str) -> str:
        made.append(pass_id)
        return f"https://concierge.example/v1/boarding-passes/{pass_id}/barcode.png?exp=1&sig=ab"

    card, image = tool_blocks("check_in", {"boarding_passes": [PASS]}, barcode=barcode)

    assert made == ["BP_7Q2M4XKDPA"]
    assert image == {
        "type": "image",
        "image_url": "https://concierge.example/v1/boarding-passes/BP_7Q2M4XKDPA/barcode.png?exp=1&sig=ab",
        "alt_text": "Boarding pass barcode, BA 117, seat 12C",
    }
    assert "BP_7Q2M4XKDPA" in card["text"]["text"]
    # Not configured (no public address or no secret): the card in words only.
    assert tool_blocks("check_in", {"boarding_passes": [PASS]}, barcode=lambda _: None) == [card]
