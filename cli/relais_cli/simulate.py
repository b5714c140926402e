"""`relais simulate`: a realistic mixed day of patient contacts, compressed into minutes.

French and English patients text the clinic through intake's signed SMS webhook, exactly as
Twilio would (the builder in `relais_shared.twilio_webhooks`, shared with the sandbox's
patient phone). A clinic day (08:00–19:00) is squeezed into `--duration`: more contacts in
the morning, a lull at lunch, a smaller afternoon peak. Intents are mixed (appointments,
prescriptions, results, billing, complaints, a few urgent red flags, some STOP), and some
patients write again (follow-ups from the same number). The run is bounded by `--max` and
`--duration` and stops by itself; its summary never shows phone numbers or message bodies.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import httpx
from relais_shared.twilio_webhooks import SignedWebhook, signed_sms_webhook

Lang = Literal["fr", "en"]
MAX_CONTACTS = 10_000
MAX_RATE_PER_MIN = 6_000.0
MAX_DURATION_S = 24 * 3600.0
DAY_START_H, DAY_END_H = 8, 19
# Share of the day's contacts per hour of opening (a clinic's phone line: morning rush,
# lunch lull, smaller afternoon peak).
HOURLY_PROFILE: dict[int, float] = {
    8: 14,
    9: 16,
    10: 13,
    11: 10,
    12: 5,
    13: 6,
    14: 9,
    15: 8,
    16: 7,
    17: 7,
    18: 5,
}
FOLLOW_UP_SHARE = 0.2
ENGLISH_SHARE = 0.25


@dataclass(frozen=True)
class Intent:
    name: str
    weight: float
    fr: tuple[str, ...]
    en: tuple[str, ...]


_DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi matin")
_DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday morning")
_DOCTORS = ("Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Nguyen", "Haddad")
_TIMES = ("9h", "10h30", "11h", "14h", "15h15", "17h45")

INTENTS: tuple[Intent, ...] = (
    Intent(
        "appointment",
        30,
        fr=(
            "Bonjour, je voudrais prendre rendez-vous avec le Dr {doctor} cette semaine.",
            "Bonjour, est-il possible de déplacer mon rendez-vous de {day} {time} ?",
            "Je dois annuler mon rendez-vous de {day}, merci de me rappeler.",
            "Bonjour, avez-vous une disponibilité {day} pour mon fils ? Merci",
            "rdv svp pour un renouvellement, plutôt le {day}",
        ),
        en=(
            "Hello, I would like to book an appointment with Dr {doctor} this week.",
            "Hi, can I move my appointment from {day} to another day?",
            "I need to cancel my appointment on {day}, sorry.",
            "Hello, is there any slot on {day} for my daughter? Thanks",
        ),
    ),
    Intent(
        "prescription",
        15,
        fr=(
            "Bonjour, j'aurais besoin du renouvellement de mon ordonnance.",
            "Mon ordonnance est terminée, le Dr {doctor} peut-il la refaire ?",
            "Bonjour, la pharmacie me demande une nouvelle ordonnance pour mon traitement.",
        ),
        en=(
            "Hello, I need my prescription renewed please.",
            "My prescription has run out, could Dr {doctor} renew it?",
        ),
    ),
    Intent(
        "results",
        12,
        fr=(
            "Bonjour, avez-vous reçu mes résultats de prise de sang ?",
            "Je voudrais savoir si les résultats de mon analyse sont arrivés.",
            "Bonjour, le laboratoire dit avoir envoyé mes résultats au Dr {doctor}.",
        ),
        en=(
            "Hello, have my blood test results arrived?",
            "Hi, could you tell me if my lab results are back?",
        ),
    ),
    Intent(
        "billing",
        10,
        fr=(
            "Bonjour, j'ai une question sur ma facture de la dernière consultation.",
            "Je n'ai pas été remboursé de ma consultation du {day}, pouvez-vous vérifier ?",
            "Bonjour, pouvez-vous m'envoyer une attestation de paiement ?",
        ),
        en=(
            "Hello, I have a question about my last invoice.",
            "I was charged twice for my visit on {day}, can you check?",
        ),
    ),
    Intent(
        "admin",
        8,
        fr=(
            "Bonjour, j'ai besoin d'un certificat médical pour le sport.",
            "Pouvez-vous transmettre mon dossier à mon nouveau médecin ?",
            "Bonjour, quels sont vos horaires d'ouverture {day} ?",
        ),
        en=(
            "Hello, I need a medical certificate for my sports club.",
            "What are your opening hours on {day}?",
        ),
    ),
    Intent(
        "complaint",
        6,
        fr=(
            "J'attends depuis trois jours une réponse, c'est inadmissible.",
            "Très déçu de l'accueil au téléphone ce matin, personne ne répond.",
            "Je souhaite faire une réclamation concernant ma dernière visite.",
        ),
        en=(
            "I have been waiting three days for an answer, this is unacceptable.",
            "I want to make a complaint about my last visit.",
        ),
    ),
    Intent(
        "urgent",
        4,
        fr=(
            "J'ai une douleur thoracique depuis ce matin et du mal à respirer.",
            "Mon père a le visage qui tombe d'un côté et parle bizarrement.",
            "Ma fille a 40 de fièvre et une raideur de la nuque.",
        ),
        en=(
            "I have chest pain since this morning and I am short of breath.",
            "My husband suddenly cannot move his arm and his speech is slurred.",
        ),
    ),
    Intent(
        "stop",
        3,
        fr=("STOP", "Stop", "ARRET", "STOP SMS"),
        en=("STOP", "UNSUBSCRIBE"),
    ),
)
FOLLOW_UPS: dict[Lang, tuple[str, ...]] = {
    "fr": (
        "Merci pour votre réponse.",
        "Je n'ai toujours pas de nouvelles de ma demande de ce matin.",
        "C'est pour ma fille, elle a 8 ans.",
        "Plutôt le matin si possible, merci.",
        "Pouvez-vous me rappeler au plus vite ?",
    ),
    "en": (
        "Thank you for your answer.",
        "Still no news about my request from this morning.",
        "Mornings are better for me, thanks.",
    ),
}


@dataclass(frozen=True)
class PlannedContact:
    offset_s: float  # seconds after the start of the run
    clock: str  # the time of the simulated clinic day, HH:MM
    sender: str
    lang: Lang
    intent: str  # an Intent's name, or "follow_up"
    body: str


def parse_duration(raw: str) -> float:
    """`120`, `90s`, `2m`, `1.5h` → seconds (positive, at most a day)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", raw.lower())
    if not match:
        raise ValueError(f"not a duration: {raw!r} (e.g. 90s, 2m, 1h)")
    seconds = float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]
    if not 0 < seconds <= MAX_DURATION_S:
        raise ValueError("the duration must be more than 0 and at most 24h")
    return seconds


def contact_count(rate_per_min: float, duration_s: float, max_contacts: int) -> int:
    """How many contacts a run sends: the rate over the duration, capped by --max."""
    if rate_per_min <= 0 or duration_s <= 0:
        return 0
    return max(0, min(max_contacts, MAX_CONTACTS, math.ceil(rate_per_min * duration_s / 60)))


def _new_number(rng: random.Random, lang: Lang, used: set[str]) -> str:
    while True:
        if lang == "en" and rng.random() < 0.5:
            number = f"+447700900{rng.randrange(1000):03d}"  # UK numbers kept for fiction
        else:
            digits = f"{rng.randrange(10**8):08d}"
            if digits.startswith("0000"):
                continue  # +3360000… are the sandbox's reserved test numbers
            number = f"+33{rng.choice('67')}{digits}"
        if number not in used:
            used.add(number)
            return number


def _fill(template: str, rng: random.Random, lang: Lang) -> str:
    return template.format(
        doctor=rng.choice(_DOCTORS),
        day=rng.choice(_DAYS_FR if lang == "fr" else _DAYS_EN),
        time=rng.choice(_TIMES),
    )


def _day_seconds(rng: random.Random, count: int) -> list[float]:
    """`count` seconds-into-the-clinic-day, drawn from the hourly profile, sorted."""
    hours = list(HOURLY_PROFILE)
    weights = [HOURLY_PROFILE[h] for h in hours]
    drawn = rng.choices(hours, weights=weights, k=count)
    return sorted((h - DAY_START_H) * 3600 + rng.uniform(0, 3600) for h in drawn)


def plan_day(count: int, duration_s: float, *, seed: int | None = None) -> list[PlannedContact]:
    """The run's contacts in send order, deterministic for a given seed."""
    rng = random.Random(seed)
    day_length = (DAY_END_H - DAY_START_H) * 3600
    used: set[str] = set()
    # Patients who may write again: (number, language); opted-out ones are removed.
    writers: list[tuple[str, Lang]] = []
    plan: list[PlannedContact] = []
    intent_weights = [i.weight for i in INTENTS]
    for day_s in _day_seconds(rng, count):
        if writers and rng.random() < FOLLOW_UP_SHARE:
            sender, lang = rng.choice(writers)
            intent_name, body = "follow_up", rng.choice(FOLLOW_UPS[lang])
        else:
            lang = "en" if rng.random() < ENGLISH_SHARE else "fr"
            sender = _new_number(rng, lang, used)
            intent = rng.choices(INTENTS, weights=intent_weights)[0]
            intent_name = intent.name
            body = _fill(rng.choice(intent.fr if lang == "fr" else intent.en), rng, lang)
        if intent_name == "stop":
            writers = [w for w in writers if w[0] != sender]
        elif (sender, lang) not in writers:
            writers.append((sender, lang))
        minutes = int(day_s // 60)
        plan.append(
            PlannedContact(
                offset_s=day_s / day_length * duration_s,
                clock=f"{DAY_START_H + minutes // 60:02d}:{minutes % 60:02d}",
                sender=sender,
                lang=lang,
                intent=intent_name,
                body=body,
            )
        )
    return plan


# -- sending ------------------------------------------------------------------------------------


@dataclass
class Summary:
    planned: int = 0
    sent: int = 0
    accepted: int = 0  # 2xx: durable at intake
    refused: int = 0  # 4xx: intake said no (signature, body)
    failed: int = 0  # 5xx or no answer
    by_intent: Counter[str] = field(default_factory=Counter)
    by_lang: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0
    interrupted: bool = False

    def record(self, contact: PlannedContact, status: int | None, latency_ms: float) -> None:
        self.sent += 1
        self.by_intent[contact.intent] += 1
        self.by_lang[contact.lang] += 1
        self.by_status[str(status) if status is not None else "no answer"] += 1
        if status is not None and 200 <= status < 300:
            self.accepted += 1
            self.latencies_ms.append(latency_ms)
        elif status is not None and 400 <= status < 500:
            self.refused += 1
        else:
            self.failed += 1

    def percentile(self, q: float) -> float | None:
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def lines(self, url: str) -> list[str]:
        """The report: counts and timings only (no phone number, no message text)."""
        rate = self.sent / self.elapsed_s * 60 if self.elapsed_s > 0 else 0.0
        head = "interrupted" if self.interrupted else "done"
        lines = [
            (
                f"relais simulate {head}: {self.sent} of {self.planned} contacts sent in "
                f"{self.elapsed_s:.1f} s ({rate:.1f}/min) to {url}"
            ),
            (
                f"  sent {self.sent}  accepted {self.accepted}  refused {self.refused}  "
                f"failed {self.failed}"
            ),
            "  intents: " + ", ".join(f"{k} {v}" for k, v in sorted(self.by_intent.items())),
            "  languages: " + ", ".join(f"{k} {v}" for k, v in sorted(self.by_lang.items())),
            "  answers: " + ", ".join(f"{k} {v}" for k, v in sorted(self.by_status.items())),
        ]
        p50, p95 = self.percentile(0.5), self.percentile(0.95)
        if p50 is not None and p95 is not None:
            lines.append(f"  webhook latency (accepted): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        return lines


def plan_stats(plan: Sequence[PlannedContact]) -> dict[str, Counter[str]]:
    """What a plan holds, for --dry-run: intents, languages, contacts per simulated hour."""
    return {
        "intents": Counter(c.intent for c in plan),
        "languages": Counter(c.lang for c in plan),
        "hours": Counter(c.clock[:2] + "h" for c in plan),
    }


Post = Callable[[SignedWebhook], Awaitable[int | None]]


def http_poster(client: httpx.AsyncClient) -> Post:
    async def post(webhook: SignedWebhook) -> int | None:
        try:
            response = await client.post(webhook.url, data=webhook.form, headers=webhook.headers)
        except httpx.HTTPError:
            return None
        return response.status_code

    return post


async def run_plan(
    plan: Sequence[PlannedContact],
    *,
    post: Post,
    public_url: str,
    auth_token: str,
    account_sid: str,
    clinic: str,
    concurrency: int = 16,
    deadline_s: float | None = None,
    stop: asyncio.Event | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Summary:
    """Send each planned contact at its offset (never more than `concurrency` at once) and
    stop at the end of the plan, at `deadline_s`, or when `stop` is set."""
    summary = Summary(planned=len(plan))
    slots = asyncio.Semaphore(max(1, concurrency))
    in_flight: set[asyncio.Task[None]] = set()
    started = monotonic()

    async def send(contact: PlannedContact) -> None:
        try:
            webhook = signed_sms_webhook(
                public_url=public_url,
                auth_token=auth_token,
                account_sid=account_sid,
                sender=contact.sender,
                to=clinic,
                body=contact.body,
            )
            before = monotonic()
            status = await post(webhook)
            summary.record(contact, status, (monotonic() - before) * 1000)
        finally:
            slots.release()

    for contact in plan:
        if stop is not None and stop.is_set():
            summary.interrupted = True
            break
        wait = contact.offset_s - (monotonic() - started)
        if deadline_s is not None and contact.offset_s > deadline_s:
            break
        if wait > 0:
            if stop is None:
                await sleep(wait)
            else:
                try:
                    await asyncio.wait_for(stop.wait(), wait)
                except TimeoutError:
                    pass
                if stop.is_set():
                    summary.interrupted = True
                    break
        await slots.acquire()
        task = asyncio.create_task(send(contact))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        await asyncio.gather(*in_flight)
    summary.elapsed_s = monotonic() - started
    return summary


async def simulate(
    *,
    rate_per_min: float,
    duration_s: float,
    max_contacts: int,
    seed: int | None,
    public_url: str,
    auth_token: str,
    account_sid: str,
    clinic: str,
    concurrency: int = 16,
    timeout_s: float = 15.0,
) -> Summary:
    """Plan the day and send it to intake over HTTP; Ctrl-C stops early with a summary."""
    plan = plan_day(contact_count(rate_per_min, duration_s, max_contacts), duration_s, seed=seed)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
        except (NotImplementedError, RuntimeError):  # not the main thread
            pass
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    try:
        async with httpx.AsyncClient(timeout=timeout_s, limits=limits, trust_env=False) as client:
            return await run_plan(
                plan,
                post=http_poster(client),
                public_url=public_url,
                auth_token=auth_token,
                account_sid=account_sid,
                clinic=clinic,
                concurrency=concurrency,
                deadline_s=duration_s,
                stop=stop,
            )
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
