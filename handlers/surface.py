"""The whole product surface: every command, button, open flow, scheduled job and queued work."""

from __future__ import annotations

from bot.routing import AnyWork, During, Handler, Job, Routes, Work, on
from handlers import (
    announcements,
    asking,
    clean_up,
    corrections,
    data_copy,
    data_rights,
    deliveries,
    groups,
    help,
    linking,
    news,
    onboarding,
    photos,
    posting,
    release,
    reminders,
    retention,
    surveys,
    texts,
    waves,
)
from handlers.reports import chat as report_chat
from handlers.reports import digest
from handlers.tickets import escalation, follow, intake, staff

# every multi-step conversation: typed text (and photos, where the flow takes them) goes there;
# "menu" or "trợ giúp" typed at any step shows the menu and keeps the step (help.menu_first;
# code_or_help, the fallback, reads them itself)
FLOWS = [
    During(onboarding.JOIN, onboarding.code_or_help),
    During(surveys.SURVEY, help.menu_first(surveys.answer_typed)),  # its answers stay; resumes
    During(intake.FEEDBACK, help.menu_first(intake.typed)),
    During(follow.ADD_INFO, help.menu_first(follow.add_typed)),
    During(staff.STAFF_NOTE, help.menu_first(staff.note_typed)),
    During(announcements.ANNOUNCE, help.menu_first(announcements.typed)),
    During(news.NEWS_POST, help.menu_first(news.typed)),
    During(news.NEWS_PREVIEW, onboarding.code_or_help),  # buttons only: typing means leaving
    During(report_chat.REPORT_RANGE, help.menu_first(report_chat.typed)),
    During(waves.NEW_WAVE, help.menu_first(waves.launch_typed)),
    During(corrections.CORRECT, help.menu_first(corrections.typed)),
    During(asking.ASK, onboarding.code_or_help),  # a new text replaces the waiting one
]

COMMANDS: dict[str, Handler] = {
    "start": onboarding.start,
    "khaosat": surveys.list_surveys,
    "dulieu": data_rights.show_my_data,
    "phananh": intake.start,
    "theodoi": follow.list_mine,
    "phieu": staff.queue,
    "thongbao": announcements.start,
    "tin": news.menu,
    "baocao": report_chat.menu,
    "huy": help.cancel_in(FLOWS),
    "trogiup": help.show_help,
    "help": help.show_help,
    "menu": help.show_menu,
}

# everyone's command menu on a platform that has one (Telegram); staff get theirs per chat
COMMAND_MENU = help.commands_of([*help.PARENT_ITEMS, "trogiup"])

ROUTES = Routes(
    commands=COMMANDS,
    buttons=[
        # the main menu and /trogiup: each entry runs its slash command's handler
        on(help.MenuItem, help.run_item(COMMANDS)),
        # a free text offered to the school as a question
        on(asking.SendQuestion, asking.send),
        on(asking.DropQuestion, asking.drop),
        # joining a class and consenting
        on(onboarding.ConfirmJoin, onboarding.confirm_class),
        on(onboarding.Consent, onboarding.record_consent),
        # answering a survey (the engine decides what each tap means)
        on(waves.StartSurvey, surveys.open_survey),
        on(surveys.PickAnswer, surveys.pick),
        on(surveys.SkipAnswer, surveys.skip),
        on(surveys.TickAnswer, surveys.tick),
        on(surveys.DoneTicking, surveys.done_ticking),
        on(surveys.SubmitRun, surveys.submit),
        on(surveys.ChangeRun, surveys.change),
        on(surveys.EditAnswer, surveys.edit),
        on(surveys.ConfirmEdit, surveys.confirm),
        # a person's own data and accounts (/dulieu)
        on(data_rights.ChangeConsent, data_rights.change_consent),
        on(data_rights.AskDeleteMe, data_rights.ask_delete_me),
        on(data_rights.DeleteMe, data_rights.delete_me),
        on(data_rights.ReadNotice, data_rights.read_notice),
        on(data_rights.SendMyCopy, data_rights.send_my_copy),
        on(corrections.FixName, corrections.fix_name),
        on(corrections.FixTicket, corrections.fix_ticket),
        on(corrections.FixPick, corrections.pick),
        on(corrections.FixField, corrections.pick_field),
        on(corrections.FixSave, corrections.save),
        on(corrections.FixCancel, corrections.cancel),
        on(linking.LinkAnotherApp, linking.offer_code),
        on(linking.Unlink, linking.unlink),
        # survey waves (staff menu in /khaosat)
        on(waves.NewWave, waves.new_wave),
        on(waves.WaveSurvey, waves.pick_survey),
        on(waves.WaveClassTick, waves.pick_class),
        on(waves.WaveWholeSchool, waves.pick_whole_school),
        on(waves.WaveClassesDone, waves.classes_done),
        on(waves.WaveDays, waves.pick_days),
        on(waves.WaveOpen, waves.open_previewed),
        on(waves.WaveCancel, waves.cancel),
        on(waves.WaveResults, waves.show_results),
        # a parent's feedback (/phananh) and following it (/theodoi)
        on(intake.FeedbackConsent, intake.take_consent),
        on(intake.FeedbackSchool, intake.take_school),
        on(intake.FeedbackKind, intake.take_kind),
        on(intake.FeedbackTopic, intake.take_topic),
        on(intake.FeedbackConcerns, intake.take_concerns),
        on(intake.FeedbackNamed, intake.take_named),
        on(intake.SendFeedback, intake.send),
        on(intake.DropFeedback, intake.drop),
        on(follow.MyTicket, follow.show_mine),
        on(follow.AddTicketInfo, follow.start_adding),
        on(follow.AskRating, follow.ask_rating),
        on(follow.RateTicket, follow.rate),
        # staff working tickets (/phieu)
        on(staff.TicketView, staff.view),
        on(staff.TicketTake, staff.take),
        on(staff.TicketAccept, staff.accept),
        on(staff.TicketResolve, staff.ask_note),
        on(staff.TicketForward, staff.ask_note),
        on(staff.TicketRefuse, staff.ask_note),
        on(staff.TicketMessage, staff.ask_note),
        on(staff.TicketResultSend, staff.send_result),
        on(staff.TicketResultEdit, staff.edit_result),
        on(staff.TicketResultCancel, staff.cancel_result),
        on(staff.TicketClose, staff.close),
        on(staff.TicketExtend, staff.ask_note),
        on(staff.TicketAssign, staff.ask_assignee),
        on(staff.TicketAssignTo, staff.assign),
        on(staff.TicketIdentity, staff.show_identity),
        on(staff.TicketPhotos, staff.show_photos),
        # announcements (/thongbao), their reports, "Đã xem", class groups
        on(announcements.PickClass, announcements.pick_class),
        on(announcements.PickWholeSchool, announcements.pick_whole_school),
        on(announcements.ClassesChosen, announcements.classes_chosen),
        on(announcements.AskSeen, announcements.choose_seen),
        on(announcements.SendAnnouncement, announcements.send),
        on(announcements.EditAnnouncement, announcements.edit),
        on(announcements.CancelAnnouncement, announcements.cancel),
        on(deliveries.SentList, deliveries.show_sent),
        on(deliveries.BroadcastReport, deliveries.show_report),
        on(deliveries.Seen, deliveries.seen),
        on(groups.LinkGroup, groups.offer_link),
        on(groups.LinkGroupOf, groups.offer_link_of),
        # news (/tin)
        on(news.NewsView, news.view),
        on(news.NewsNew, news.new_post),
        on(news.NewsNoLink, news.skip_link),
        on(news.NewsPublish, news.publish),
        on(news.NewsCancel, news.cancel_preview),
        on(news.NewsSchedule, news.show_schedule),
        on(news.NewsUnschedule, news.unschedule),
        # reports (/baocao)
        on(report_chat.Report, report_chat.send_report),
        on(report_chat.ReportRange, report_chat.ask_range),
    ],
    flows=FLOWS,
    fallback=onboarding.code_or_help,
    non_text=photos.photos_to(FLOWS),
    group=groups.in_group,
    failure_text=texts.FAILURE,
    stale_text=texts.STALE_BUTTON,
    prefetch=[surveys.prefetch_runs_of],
    # a typed "Đã xem" under an announcement (Zalo has no buttons)
    claims=[deliveries.seen_typed],
)

JOBS = [
    Job("open_due_waves", waves.open_due_waves, every_seconds=60),
    # survey answers reach `responses` a class at a time, and the rest when the wave closes
    Job("release_responses", release.release_responses, every_seconds=60),
    # hourly in the working day, so a restart misses nothing; each alert is sent once
    Job("ticket_deadlines", escalation.watch_deadlines, cron={"hour": "7-17", "minute": "0"}),
    # hourly: a ticket whose closing was asked closes when its days for a rating are over
    Job("close_waiting_tickets", follow.close_waiting, cron={"minute": "20"}),
    Job("release_broadcasts", posting.release_broadcasts, every_seconds=60),
    Job("report_broadcasts", deliveries.report_finished, every_seconds=30),
    # hourly: a round comes due at the hour its invitations went out, days later
    Job("survey_reminders", reminders.remind_waves, cron={"minute": "5"}),
    # every 5 minutes: the digest goes once its day and time have come (or the bot is back)
    Job("weekly_digest", digest.send_weekly_digests, cron={"minute": "*/5"}),
    # hourly: each kind of personal data goes when its period ends (README, Retention)
    Job("retention", retention.apply_retention, cron={"minute": "40"}),
    # daily, at night: finished messages and report files older than HAILONG_RETENTION_DAYS
    Job("clean_up", clean_up.clean_up, cron={"hour": "3", "minute": "15"}),
]

# work left by a handler for after its transaction commits (`ctx.work.later(item)`)
WORK: list[AnyWork] = [
    Work(report_chat.RenderReport, report_chat.render_report, report_chat.report_files_failed),
    Work(data_copy.SendMyData, data_copy.send_my_data, data_copy.copy_failed),
    Work(photos.KeepPhoto, photos.keep_photo, photos.photo_not_kept),
]
