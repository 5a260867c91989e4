"""The authority tree and an officer's scope, on the real database: an officer of a ward sees that
ward's schools only, an officer of the province every school beneath it, however deep."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.people import ChatAccount
from bot.models.schools import Authority
from handlers.authorities.scope import handling_officers, officer_scope, schools_beneath
from handlers.authorities.tree import (
    authority_by_ref,
    guess_kind,
    load_tree,
    managing_authority,
    move_authority,
)
from handlers.setup import school_by_code
from tests.factories import make_authority, make_school
from tests.handlers.tickets.helpers import officer_of

SO = "Sở Giáo dục và Đào tạo tỉnh Hoa"


async def tree_of_two_wards(app: App) -> dict[str, Authority]:
    """Sở → phường An (MN-A1, MN-A2), phường Bình (MN-B1) → a private group (MN-G1)."""
    province = await make_authority(app, SO, "province")
    ward_a = await make_authority(app, "Ủy ban nhân dân phường An", parent=province)
    ward_b = await make_authority(app, "Ủy ban nhân dân phường Bình", parent=province)
    group = await make_authority(app, "Hệ thống Mầm non Sao Mai", "other", parent=ward_b)
    for code, authority in (
        ("MN-A1", ward_a), ("MN-A2", ward_a), ("MN-B1", ward_b), ("MN-G1", group),
    ):  # fmt: skip
        await make_school(app, code, authority=authority)
    await make_school(app, "MN-NONE")  # no managing authority yet: in no one's scope
    return {"province": province, "a": ward_a, "b": ward_b, "group": group}


async def test_each_officer_sees_the_schools_beneath_their_authority_and_nothing_else(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    tree = await tree_of_two_wards(app)
    officers = {
        name: await officer_of(app, memory, clock, tree[name], f"officer-{name}")
        for name in ("province", "a", "b")
    }
    async with app.db.sessions() as session:

        async def codes(name: str) -> list[str]:
            person = await _person(session, f"officer-{name}")
            scope = await officer_scope(session, person)
            assert scope is not None
            found = await schools_beneath(session, tree[name].id)
            assert {s.id for s in found} == scope.schools  # one scope, however it is asked
            return [s.code for s in found]

        assert await codes("a") == ["MN-A1", "MN-A2"]  # not B's
        assert await codes("b") == ["MN-B1", "MN-G1"]  # and the group beneath it
        assert await codes("province") == ["MN-A1", "MN-A2", "MN-B1", "MN-G1"]
        assert await officer_scope(session, 10_000) is None
    assert set(officers) == {"province", "a", "b"}


async def test_the_leaders_of_a_school_answer_to_the_nearest_authority_with_officers(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    tree = await tree_of_two_wards(app)
    async with app.db.sessions() as session:
        g1 = await _school_id(session, "MN-G1")
        assert await handling_officers(session, g1) == []  # no officer anywhere yet
    await officer_of(app, memory, clock, tree["province"], "officer-province")
    async with app.db.sessions() as session:
        province = await _person(session, "officer-province")
        assert await handling_officers(session, g1) == [province]
    await officer_of(app, memory, clock, tree["b"], "officer-b")
    async with app.db.sessions() as session:
        ward_b = await _person(session, "officer-b")
        assert await handling_officers(session, g1) == [ward_b]  # the group has none: its ward
        scope = await officer_scope(session, province)
        assert scope is not None
        a1 = await _school_id(session, "MN-A1")
        assert scope.covers(g1) and g1 not in scope.handles and a1 in scope.handles


async def test_a_schools_managing_authority_is_named_in_full_with_the_chain_above(
    app: App,
) -> None:
    tree = await tree_of_two_wards(app)
    async with app.db.sessions() as session:
        ref = await managing_authority(session, await _school_id(session, "MN-G1"))
        assert ref is not None
        assert (ref.name, ref.kind, ref.kind_name) == ("Hệ thống Mầm non Sao Mai", "other", "khác")
        assert ref.parent is not None and ref.parent.name == "Ủy ban nhân dân phường Bình"
        assert ref.parent.kind_name == "UBND cấp xã (xã, phường, đặc khu)"
        assert ref.parent.parent is not None and ref.parent.parent.name == SO
        assert ref.parent.parent.parent is None
        assert await managing_authority(session, await _school_id(session, "MN-NONE")) is None
    async with app.db.transaction() as session:
        province = await session.get(Authority, tree["province"].id)
        group = await session.get(Authority, tree["group"].id)
        assert province is not None and group is not None
        with pytest.raises(ValueError, match="that would be a loop"):
            await move_authority(session, province, group)
        await move_authority(session, group, None)
    async with app.db.sessions() as session:
        assert [n.name for n in (await load_tree(session)).children(None)] == [
            "Hệ thống Mầm non Sao Mai", SO,
        ]  # fmt: skip
        assert [s.code for s in await schools_beneath(session, tree["b"].id)] == ["MN-B1"]


async def test_an_authority_is_named_by_id_by_name_or_by_its_name_without_diacritics(
    app: App,
) -> None:
    tree = await tree_of_two_wards(app)
    await make_authority(app, "Ủy ban nhân dân phường An", parent=tree["b"])  # a namesake
    async with app.db.sessions() as session:
        assert (await authority_by_ref(session, str(tree["b"].id))).id == tree["b"].id
        assert (await authority_by_ref(session, "uy ban nhan dan phuong binh")).id == tree["b"].id
        with pytest.raises(LookupError, match="2 authorities are named"):
            await authority_by_ref(session, "Ủy ban nhân dân phường An")
        with pytest.raises(LookupError, match="no authority 'Phòng GD&ĐT Quận 1'"):
            await authority_by_ref(session, "Phòng GD&ĐT Quận 1")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh", "province"),
        ("Sở GD&ĐT tỉnh Lào Cai", "province"),
        ("Ủy ban nhân dân phường Sài Gòn", "commune"),
        ("UBND xã Tân Phú", "commune"),
        ("Đặc khu Phú Quốc", "commune"),
        ("Phường Bến Thành", "commune"),
        ("Phòng GD&ĐT Quận 1", "other"),  # the district level is gone: the operator decides
        ("UBND thành phố Thủ Đức", "other"),
        ("Hệ thống Mầm non Sao Mai", "other"),
    ],
)
def test_a_kind_is_guessed_only_from_what_a_name_says_plainly(name: str, kind: str) -> None:
    assert guess_kind(name) == kind


async def _person(session: AsyncSession, chat_id: str) -> int:
    found = await session.scalar(
        select(ChatAccount.person_id).where(ChatAccount.chat_id == chat_id)
    )
    assert found is not None
    return found


async def _school_id(session: AsyncSession, code: str) -> int:
    return (await school_by_code(session, code)).id
