"""The whole product surface: every command, button, open flow, scheduled job and queued work."""

from __future__ import annotations

from bot.routing import AnyWork, Job, Routes, Work
from handlers import (
    announcements,
    data_rights,
    deliveries,
    groups,
    help,
    linking,
    news,
    onboarding,
    photos,
    posting,
    reminders,
    surveys,
    texts,
    waves,
)
from handlers.reports import chat as report_chat
from handlers.reports import digest
from handlers.tickets import escalation, follow, intake, staff

ROUTES = Routes(
    commands={
        "start": onboarding.start,
        "khaosat": surveys.list_surveys,
        "dulieu": data_rights.show_my_data,
        "phananh": intake.start,
        "theodoi": follow.list_mine,
        "phieu": staff.queue,
        "thongbao": announcements.start,
        "tin": news.menu,
        "baocao": report_chat.menu,
        "huy": help.cancel,
        "trogiup": help.show_help,
        "help": help.show_help,
    },
    buttons={
        "join": onboarding.confirm_class,
        "consent": onboarding.record_consent,
        "data": data_rights.change_my_data,
        "link": linking.link_action,
        "s": surveys.open_survey,
        "a": surveys.answer_button,
        "m": surveys.toggle_button,
        "d": surveys.finish_multi,
        "r": surveys.review_action,
        "e": surveys.change_answer,
        "w": waves.staff_menu_action,
        "fb": intake.choose,
        "tt": follow.act,
        "tk": staff.act,
        "tb": announcements.act,
        "n": news.act,
        "seen": deliveries.seen,
        "bc": report_chat.act,
    },
    flows={
        "survey": surveys.answer_typed,
        intake.FLOW: intake.typed,
        follow.ADD_FLOW: follow.add_typed,
        staff.NOTE_FLOW: staff.note_typed,
        announcements.FLOW: announcements.typed,
        news.FLOW: news.typed,
        report_chat.FLOW: report_chat.typed,
    },
    fallback=onboarding.code_or_help,
    non_text=photos.route,
    group=groups.in_group,
    failure_text=texts.FAILURE,
    prefetch=[surveys.prefetch_runs_of],
)

JOBS = [
    Job("open_due_waves", waves.open_due_waves, every_seconds=60),
    # hourly in the working day, so a restart misses nothing; each alert is sent once
    Job("ticket_deadlines", escalation.watch_deadlines, cron={"hour": "7-17", "minute": "0"}),
    Job("release_broadcasts", posting.release_broadcasts, every_seconds=60),
    Job("report_broadcasts", deliveries.report_finished, every_seconds=30),
    # hourly: a round comes due at the hour its invitations went out, days later
    Job("survey_reminders", reminders.remind_waves, cron={"minute": "5"}),
    # every 5 minutes: the digest goes once its day and time have come (or the bot is back)
    Job("weekly_digest", digest.send_weekly_digests, cron={"minute": "*/5"}),
]

# work left by a handler for after its transaction commits (`ctx.work.later(item)`)
WORK: list[AnyWork] = [
    Work(report_chat.RenderReport, report_chat.render_report, report_chat.report_files_failed),
]
