"""Personal data at rest: the cipher, the mask, where the key comes from, the round
trip through the profile service, and the lock that serializes profile changes."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.config import Settings
from core.models import TravelDocument, TravellerDetails, User
from core.runtime import Runtime, build_runtime
from core.travellers import crypto, service
from core.travellers.crypto import (
    PiiCipher,
    PiiKeyInvalid,
    PiiKeyMissing,
    PiiUnreadable,
    mask,
    new_key,
    pii_cipher,
)
from core.travellers.service import (
    DocumentChange,
    ProfileChanges,
    clear_document_number,
    document_context,
    update_profile,
)
from tests.conftest import NOW, PG_URL
from tests.core.booking_world import AVA, build_world

PASSPORT = "547819302"


def _cipher(settings: Settings | None = None) -> PiiCipher:
    return pii_cipher(settings or Settings(env="test"))


# ----------------------------------------------------------------------------- cipher


def test_encrypt_decrypt_round_trip_and_every_token_differs() -> None:
    cipher = _cipher()
    one = cipher.encrypt(PASSPORT, context="user:ava|passport:US")
    two = cipher.encrypt(PASSPORT, context="user:ava|passport:US")

    assert one != two  # a fresh nonce each time: equal numbers do not show as equal tokens
    assert PASSPORT not in one
    assert one.startswith(f"pii1.{cipher.key_id}.")
    assert cipher.decrypt(one, context="user:ava|passport:US") == PASSPORT
    assert cipher.decrypt(two, context="user:ava|passport:US") == PASSPORT


def test_a_token_opens_only_for_its_owner_and_field() -> None:
    cipher = _cipher()
    token = cipher.encrypt(PASSPORT, context="user:ava|passport:US")
    for wrong in ("user:mia|passport:US", "user:ava|passport:GB", "user:ava|loyalty:BA"):
        with pytest.raises(PiiUnreadable) as refused:
            cipher.decrypt(token, context=wrong)
        assert PASSPORT not in str(refused.value)
        assert token not in str(refused.value)


def test_another_key_cannot_read_and_a_rotation_keeps_old_tokens_readable() -> None:
    old, new = new_key(), new_key()
    before = pii_cipher(Settings(env="production", pii_key=SecretStr(old)))
    token = before.encrypt(PASSPORT, context="c")

    with pytest.raises(PiiUnreadable):
        pii_cipher(Settings(env="production", pii_key=SecretStr(new))).decrypt(token, context="c")
    rotated = pii_cipher(
        Settings(env="production", pii_key=SecretStr(new), pii_previous_keys=SecretStr(f" {old} "))
    )
    assert rotated.decrypt(token, context="c") == PASSPORT
    assert rotated.encrypt(PASSPORT, context="c").split(".")[1] == rotated.key_id != before.key_id


def test_a_tampered_token_is_refused() -> None:
    cipher = _cipher()
    token = cipher.encrypt(PASSPORT, context="c")
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(PiiUnreadable):
        cipher.decrypt(flipped, context="c")


def test_the_key_never_shows_in_a_repr() -> None:
    key = new_key()
    cipher = pii_cipher(Settings(env="production", pii_key=SecretStr(key)))
    settings = Settings(env="production", pii_key=SecretStr(key))
    assert key not in repr(cipher)
    assert str(cipher.current) not in repr(cipher)
    assert key not in repr(settings)
    assert key not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("547819302", "•••••9302"),
        ("TT4F2K9QX", "•••••K9QX"),
        ("8JW2M71", "•••••M71"),
        ("AB12", "•••••12"),
        ("7", "•••••"),
        ("", "•••••"),
    ],
)
def test_the_mask_shows_at_most_four_and_never_half(number: str, masked: str) -> None:
    assert mask(number) == masked


# --------------------------------------------------------------------- where keys come from


def test_production_without_a_key_refuses_to_start(tmp_path: Path) -> None:
    production = Settings(env="production", database_url=f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    with pytest.raises(PiiKeyMissing, match="CONCIERGE_PII_KEY is required in production"):
        pii_cipher(production)
    with pytest.raises(PiiKeyMissing):
        build_runtime(production)
    blank = production.model_copy(update={"pii_key": None})
    assert Settings(env="production", pii_key=SecretStr("  ")).pii_key is None
    with pytest.raises(PiiKeyMissing):
        pii_cipher(blank)


@pytest.mark.parametrize(
    "bad", ["short", "x" * 44, new_key()[:-4]], ids=["short", "not-base64", "truncated"]
)
def test_a_malformed_key_is_refused_in_every_environment(bad: str) -> None:
    for env in ("production", "development", "test"):
        with pytest.raises(PiiKeyInvalid) as refused:
            pii_cipher(Settings(env=env, pii_key=SecretStr(bad)))  # type: ignore[arg-type]
        assert bad not in str(refused.value)


def test_test_runs_derive_one_fixed_key() -> None:
    assert _cipher().key_id == _cipher().key_id
    assert (
        _cipher().current
        != pii_cipher(Settings(env="production", pii_key=SecretStr(new_key()))).current
    )


def test_development_generates_a_private_key_file_once(tmp_path: Path) -> None:
    path = tmp_path / "var" / "pii.key"
    dev = Settings(env="development", pii_key_file=path)

    first = pii_cipher(dev)

    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pii_cipher(dev).key_id == first.key_id  # read back, not generated again
    token = first.encrypt(PASSPORT, context="c")
    assert pii_cipher(dev).decrypt(token, context="c") == PASSPORT


def test_two_processes_creating_the_development_key_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second process starts while the first is writing the key file: it must read
    a whole key (the first's or its own, the same one both end up with), never an empty
    file."""
    path = tmp_path / "var" / "pii.key"
    dev = Settings(env="development", pii_key_file=path)
    real_new_key = crypto.new_key
    seen: list[PiiCipher] = []

    def new_key_while_another_process_starts() -> str:
        monkeypatch.setattr(crypto, "new_key", real_new_key)
        seen.append(pii_cipher(dev))  # the other process, in the middle of our write
        return real_new_key()

    monkeypatch.setattr(crypto, "new_key", new_key_while_another_process_starts)
    first = pii_cipher(dev)

    assert [c.key_id for c in seen] == [first.key_id]
    assert pii_cipher(dev).key_id == first.key_id
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["pii.key"]  # no temporary file left


# ------------------------------------------------------------------------ the service


PASSPORT_CHANGE = ProfileChanges(
    documents=[
        DocumentChange(
            issuing_country="US", number=PASSPORT, nationality="US", expires_on="2031-06-30"
        )
    ],
)


async def test_round_trip_through_the_profile_service(runtime: Runtime) -> None:
    await build_world(runtime, profiles=False)
    async with runtime.db.uow() as session:
        profile = await update_profile(session, runtime.pii, AVA, "ava", PASSPORT_CHANGE, now=NOW)
    assert profile.documents[0].number == "•••••9302"

    async with runtime.db.uow(write=False) as session:
        row = await session.scalar(select(TravelDocument))
        ava = await session.get(User, "ava")
        assert row is not None
        assert ava is not None
        assert PASSPORT not in row.number_token
        assert (
            runtime.pii.decrypt(row.number_token, context=document_context("ava", "passport", "US"))
            == PASSPORT
        )
        assert await clear_document_number(session, runtime.pii, ava, "US") == PASSPORT
        assert await clear_document_number(session, runtime.pii, ava, "GB") is None


# ---------------------------------------------------------------------- the race pair


def _contenders() -> list[ProfileChanges]:
    """Two changes that each say "these are all my passports": one US, one GB."""
    return [
        ProfileChanges(
            given_name="Ava",
            documents=[
                DocumentChange(
                    issuing_country=country,
                    number=number,
                    nationality=country,
                    expires_on="2031-06-30",
                )
            ],
        )
        for country, number in (("US", PASSPORT), ("GB", "533817264"))
    ]


async def _race(runtime: Runtime) -> list[BaseException | None]:
    async def change(changes: ProfileChanges) -> None:
        async with runtime.db.uow() as session:
            await update_profile(session, runtime.pii, AVA, "ava", changes, now=NOW)

    outcomes = await asyncio.gather(*(change(c) for c in _contenders()), return_exceptions=True)
    return [o if isinstance(o, BaseException) else None for o in outcomes]


@pytest.mark.race
@pytest.mark.skipif(
    PG_URL is None,
    reason="SQLite writers are serialized by BEGIN IMMEDIATE "
    "whatever the guard does; the race needs PostgreSQL's concurrent writers",
)
async def test_without_the_lock_two_changes_corrupt_the_profile(runtime, monkeypatch) -> None:
    """The real change path with ``lock_traveller`` switched off, both changes past
    their reads before either writes: both insert the details row (one dies on the
    primary key — a 500 for that caller)... and had it not, the profile would hold the
    union of two lists that each claimed to be complete."""
    await build_world(runtime, profiles=False)
    both_read = asyncio.Barrier(2)

    async def no_lock(session, user) -> None:
        return None

    monkeypatch.setattr(service, "lock_traveller", no_lock)
    monkeypatch.setattr(service, "apply_changes", _after_barrier(service.apply_changes, both_read))

    outcomes = await _race(runtime)

    assert any(isinstance(o, IntegrityError) for o in outcomes), outcomes


def _after_barrier(apply, barrier):
    """Read everything first (as apply_changes does), then wait for the other change."""

    async def reads_then_waits(session, cipher, user, changes, *, now, actor_id):
        await session.get(TravellerDetails, user.id)
        await barrier.wait()
        return await apply(session, cipher, user, changes, now=now, actor_id=actor_id)

    return reads_then_waits


@pytest.mark.race
async def test_with_the_lock_changes_take_turns(runtime, monkeypatch) -> None:
    """Guarded: the same two changes, the first holding the lock a while so the second
    surely queues on it; both succeed, one after the other, and the profile holds
    exactly one of the two lists."""
    await build_world(runtime, profiles=False)
    real_lock = service.lock_traveller

    async def slow_lock(session, user) -> None:
        await real_lock(session, user)
        await asyncio.sleep(0.1)

    monkeypatch.setattr(service, "lock_traveller", slow_lock)

    assert await _race(runtime) == [None, None]

    async with runtime.db.uow(write=False) as session:
        countries = sorted((await session.scalars(select(TravelDocument.issuing_country))).all())
        assert countries in (["GB"], ["US"])
        assert await session.scalar(select(func.count()).select_from(TravellerDetails)) == 1
