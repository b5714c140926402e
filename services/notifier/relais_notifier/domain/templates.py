"""Patient-facing texts, French and English, privacy-safe by construction.

Automated messages say who handles the request, the reference and when to
expect an answer, and give the emergency numbers; they never carry a
diagnosis, medication, result or any clinical detail. Only whitelisted
parameters are ever rendered (clinic, team, reference, link), trimmed and
capped, so whatever else a caller puts in `params` cannot leak into an SMS.
Agent replies are the one exception: they are the agent's own text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

Lang = Literal["fr", "en"]

# Messages the notifier starts itself in answer to opt_out / opt_in / help contacts.
OPT_OUT_CONFIRMATION: Final = "opt_out_confirmation"
OPT_IN_CONFIRMATION: Final = "opt_in_confirmation"
HELP_REPLY: Final = "help_reply"

_MAX_PARAM = {"clinic": 60, "team": 60, "reference": 24, "eta": 60, "link": 200}
_SPACES = re.compile(r"\s+")


class TemplateError(ValueError):
    """The request cannot be rendered (e.g. a reply without text)."""


@dataclass(frozen=True)
class _Ctx:
    lang: Lang
    clinic: str | None
    team: str | None
    reference: str | None
    eta: str | None
    link: str | None
    two_way: bool
    suicidal: bool
    sensitive: bool
    text: str | None

    def t(self, fr: str, en: str) -> str:
        return fr if self.lang == "fr" else en

    @property
    def prefix(self) -> str:
        return f"Relais {self.clinic}:" if self.clinic else "Relais:"

    @property
    def emergency(self) -> str:
        return self.t(
            "Urgence vitale : 15 ou 112 (114 par SMS pour les personnes sourdes/malentendantes).",
            "Life-threatening emergency: call 15 or 112 (text 114 if you are deaf or hard of"
            " hearing).",
        )

    @property
    def unmonitored(self) -> str:
        return self.t(
            "Ce numéro n'est pas surveillé en temps réel.",
            "This number is not monitored in real time.",
        )

    @property
    def footer(self) -> str:
        return f"{self.emergency} {self.unmonitored}"

    def ref(self, fr: str = "Réf. {}.", en: str = "Ref. {}.") -> str:
        return self.t(fr, en).format(self.reference) if self.reference else ""


def _clean(value: Any, limit: int) -> str | None:
    if value is None or isinstance(value, (dict, list, tuple, set)):
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _ack(c: _Ctx) -> str:
    return _join(
        c.prefix,
        c.t("nous avons bien reçu votre message.", "we have received your message."),
        c.t(f"Équipe : {c.team}.", f"Team: {c.team}.") if c.team else "",
        c.ref(),
        c.t(f"Réponse prévue {c.eta}.", f"Expected answer {c.eta}.") if c.eta else "",
        c.footer,
    )


def _missed_call_ack(c: _Ctx) -> str:
    when = c.eta or c.t("dès que possible", "as soon as possible")
    return _join(
        c.prefix,
        c.t("nous avons manqué votre appel.", "we missed your call."),
        c.t(f"Nous vous rappelons {when}.", f"We will call you back {when}."),
        c.t("Vous pouvez aussi répondre à ce SMS.", "You can also reply to this text.")
        if c.two_way else "",
        c.ref(),
        c.footer,
    )


def _transfer_notice(c: _Ctx) -> str:
    who = (
        c.t(f"l'équipe {c.team}", f"the {c.team} team")
        if c.team else c.t("une autre équipe", "another team")
    )
    return _join(
        c.prefix,
        c.t(f"votre demande est désormais suivie par {who}.",
            f"your request is now handled by {who}."),
        c.t("Vous n'avez rien à refaire.", "You do not need to do anything again."),
        c.ref(),
        c.t(f"Réponse prévue {c.eta}.", f"Expected answer {c.eta}.") if c.eta else "",
        c.footer,
    )


def _callback_reminder(c: _Ctx) -> str:
    when = c.eta or c.t("prochainement", "soon")
    return _join(
        c.prefix,
        c.t(f"nous vous rappelons {when} au sujet de votre demande.",
            f"we will call you back {when} about your request."),
        c.ref(),
        c.footer,
    )


def _callback_last_attempt(c: _Ctx) -> str:
    return _join(
        c.prefix,
        c.t("nous avons essayé de vous rappeler plusieurs fois sans vous joindre.",
            "we tried to call you back several times without reaching you."),
        c.ref(),
        c.t("Vous pouvez nous recontacter quand vous le souhaitez",
            "You can contact us again whenever you wish")
        + (c.t(", y compris en répondant à ce SMS.", ", including by replying to this text.")
           if c.two_way else "."),
        c.footer,
    )


def _resolution(c: _Ctx) -> str:
    return _join(
        c.prefix,
        c.t("votre demande est traitée.", "your request has been handled."),
        c.ref(),
        c.t("Pour une nouvelle demande, répondez à ce SMS.",
            "For a new request, reply to this text.")
        if c.two_way else c.t("Pour une nouvelle demande, contactez-nous.",
                              "For a new request, contact us."),
    )


def _csat_survey(c: _Ctx) -> str:
    if c.two_way:
        return _join(
            c.prefix,
            c.t("comment jugez-vous notre réponse ? Répondez par un chiffre de 1 (mauvaise)"
                " à 5 (excellente).",
                "how would you rate our answer? Reply with a number from 1 (poor) to 5"
                " (excellent)."),
            c.ref(),
            c.t("STOP pour ne plus recevoir de SMS.", "Reply STOP to opt out."),
        )
    if not c.link:
        raise TemplateError("csat_survey from a one-way sender needs params.link")
    return _join(
        c.prefix,
        c.t(f"donnez votre avis sur notre réponse : {c.link}",
            f"rate our answer: {c.link}"),
    )


def _emergency_guidance(c: _Ctx) -> str:
    return _join(
        c.prefix,
        c.t("si une vie est en danger, appelez maintenant le 15 (SAMU) ou le 112.",
            "if a life is in danger, call 15 (SAMU) or 112 now."),
        c.t("Personnes sourdes ou malentendantes : 114 par SMS.",
            "Deaf or hard of hearing: text 114."),
        c.t("En cas de détresse, le 3114 répond 24 h/24, 7 j/7.",
            "If you are in distress, 3114 answers 24/7.") if c.suicidal else "",
        c.unmonitored,
        c.t("Votre message sera lu par l'équipe.", "Your message will be read by the team."),
    )


def _reply(c: _Ctx) -> str:
    if c.sensitive:
        if not c.link:
            raise TemplateError("a sensitive reply needs params.link")
        who = c.clinic or "Relais"
        return c.t(f"Nouveau message de {who} : {c.link}", f"New message from {who}: {c.link}")
    if not c.text or not c.text.strip():
        raise TemplateError("a reply needs the agent's text")
    return c.text.strip()


def _opt_out_confirmation(c: _Ctx) -> str:
    return _join(
        c.prefix,
        c.t("c'est noté, vous ne recevrez plus de SMS de ce numéro. Pour les réactiver,"
            " envoyez START.",
            "done, you will not receive texts from this number any more. To receive them"
            " again, reply START."),
        c.emergency,
    )


def _opt_in_confirmation(c: _Ctx) -> str:
    return _join(
        c.prefix,
        c.t("c'est noté, vous recevez de nouveau nos SMS. STOP pour ne plus en recevoir.",
            "done, you will receive our texts again. Reply STOP to opt out."),
    )


def _help_reply(c: _Ctx) -> str:
    return _join(
        c.prefix,
        c.t("messagerie de votre centre de santé, lue aux heures d'ouverture.",
            "your health centre's messaging, read during opening hours."),
        c.t("Écrivez votre demande en réponse à ce SMS. STOP pour ne plus recevoir de SMS.",
            "Write your request in reply to this text. Reply STOP to opt out.")
        if c.two_way else "",
        c.footer,
    )


_RENDERERS: Final[dict[str, Callable[[_Ctx], str]]] = {
    "ack": _ack,
    "reply": _reply,
    "transfer_notice": _transfer_notice,
    "missed_call_ack": _missed_call_ack,
    "callback_reminder": _callback_reminder,
    "callback_last_attempt": _callback_last_attempt,
    "resolution": _resolution,
    "csat_survey": _csat_survey,
    "emergency_guidance": _emergency_guidance,
    OPT_OUT_CONFIRMATION: _opt_out_confirmation,
    OPT_IN_CONFIRMATION: _opt_in_confirmation,
    HELP_REPLY: _help_reply,
}
KINDS: Final = frozenset(_RENDERERS)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "oui")
    return bool(value)


def render(
    kind: str,
    *,
    lang: str = "fr",
    params: Mapping[str, Any] | None = None,
    text: str | None = None,
    eta: str | None = None,
    sender_profile: str | None = None,
) -> str:
    """The text to send for a notification `kind` (TemplateError when it cannot be built)."""
    renderer = _RENDERERS.get(kind)
    if renderer is None:
        raise TemplateError(f"no template for kind {kind!r}")
    p = params or {}
    ctx = _Ctx(
        lang="en" if lang == "en" else "fr",
        clinic=_clean(p.get("clinic"), _MAX_PARAM["clinic"]),
        team=_clean(p.get("team"), _MAX_PARAM["team"]),
        reference=_clean(p.get("reference"), _MAX_PARAM["reference"]),
        eta=_clean(eta if eta is not None else p.get("eta"), _MAX_PARAM["eta"]),
        link=_clean(p.get("link"), _MAX_PARAM["link"]),
        # Only an explicit one-way (alphanumeric) sender forbids inviting a reply.
        two_way=sender_profile != "one_way",
        suicidal=_flag(p.get("suicidal")),
        sensitive=_flag(p.get("sensitive")),
        text=text,
    )
    return renderer(ctx)
