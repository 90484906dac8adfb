"""A consultation being analysed, with responses by two channels, a coded quote and a theme."""

from datetime import timedelta

from engage.analysis.models import ResponseCode
from engage.consultations.models import ConsultationStage
from engage.dates import now_utc
from engage.responses.models import AnalysisStatus, PublishConsent, ResponseChannel
from tests import factories
from tests.analysis.helpers import make_survey

QUOTE = "The last bus leaves at six, so I cannot get home"


def analysed_consultation():
    q = make_survey(title="Urgent care & you")
    consultation = q.consultation
    consultation.opens_at = now_utc() - timedelta(days=60)
    consultation.closes_at = now_utc() - timedelta(days=2)
    consultation.stage = ConsultationStage.analysing
    q.theme = factories.ThemeFactory(title="Transport <after> dark")
    q.responses = []
    for n, channel in enumerate([ResponseChannel.online, ResponseChannel.online, ResponseChannel.post]):
        response = factories.ResponseFactory(
            consultation=consultation,
            channel=channel,
            name=f"Resident Name{n}",
            email=f"resident{n}@example.org",
            publish_consent=PublishConsent.anonymous,
            analysis_status=AnalysisStatus.read,
        )
        factories.AnswerFactory(response=response, question=q.used, option_id=q.used.options[n % 2].id, text="")
        q.responses.append(response)
    duplicate = factories.ResponseFactory(consultation=consultation, channel=ResponseChannel.email, duplicate=True)
    q.responses.append(duplicate)
    answer = factories.AnswerFactory(
        response=q.responses[0], question=q.comment, text=f"{QUOTE} – Pat Jones, 12 High Street."
    )
    factories.db.session.flush()
    factories.db.session.add(
        ResponseCode(
            response_id=q.responses[0].id,
            answer_id=answer.id,
            question_id=q.comment.id,
            theme_id=q.theme.id,
            start_offset=0,
            end_offset=len(answer.text),
            is_quote=True,
        )
    )
    q.quoted_answer = answer
    factories.db.session.commit()
    return q


def outcome_url(q):
    return f"/consultations/manage/{q.consultation.id}/outcome"
