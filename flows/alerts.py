"""Alerts: what the monthly run tells Prefect when a month goes wrong, and the automations that turn
that into a notification (``automations.yaml``, applied by ``padan prefect alerts``).

The run emits one Prefect event per warning the engineers must act on (the same lines that head
the summary, the report and the artifact): ``padan.peringatan.<KODE>`` on the resource
``padan.periode.<P>``. The payload carries the period, the code and the warning line, never a
name or a NIK. A failed or crashed run needs no event of ours: Prefect emits
``prefect.flow-run.Failed`` / ``Crashed`` itself."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

EVENT_PREFIX = "padan.peringatan."
ALERTED = ("BERKAS_DIKARANTINA", "UMPAN_BALIK_TIDAK_ADA", "ZONA_ANALIS_DILEWATI", "JUMLAH_DITERIMA_MENYIMPANG")
"""The warning codes that raise an event (KEPUTUSAN_TIDAK_COCOK names the officer and a row: report only)."""
ALSO_EMITTED = ("KUNCI_PSEUDONIM_BERUBAH",)
DEFAULT_FILE = Path(__file__).resolve().parents[1] / "automations.yaml"
DEFAULT_BLOCK = "padan-alerts"


def events_of(summary: dict) -> list[dict]:
    """The events a finished month raises: one per alerted warning line, in the lines' order."""
    out = []
    for line in summary["peringatan"]:
        code = line.split(":", 1)[0]
        if code in ALERTED + ALSO_EMITTED:
            out.append(
                {
                    "event": EVENT_PREFIX + code,
                    "resource": {
                        "prefect.resource.id": f"padan.periode.{summary['periode']}",
                        "prefect.resource.name": f"padan periode {summary['periode']}",
                    },
                    "payload": {"periode": summary["periode"], "kode": code, "pesan": line},
                }
            )
    return out


def emit(summary: dict) -> list[dict]:
    """Emit the month's events to the Prefect server the run reports to (with no server Prefect
    drops them). Returns what was emitted."""
    from prefect.events import emit_event

    events = events_of(summary)
    for e in events:
        emit_event(**e)
    return events


# ---------------------------------------------------------------------------------------------
# the automations file
# ---------------------------------------------------------------------------------------------


class AutomationSpec(BaseModel):
    """One automation of ``automations.yaml``: a notification when any of ``events`` happens (for
    Prefect's flow-run events, only runs of the flows named in ``flows``)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^padan-[a-z0-9-]+$")
    description: str
    events: list[str] = Field(min_length=1)
    flows: list[str] = Field(default_factory=list)
    subject: str
    body: str


class AutomationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    automations: list[AutomationSpec] = Field(min_length=1)


class AutomationsError(ValueError):
    """An automations file that does not fit its format."""


def load(path: Path = DEFAULT_FILE) -> AutomationsFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = AutomationsFile.model_validate(raw)
    except OSError as e:
        raise AutomationsError(f"{path}: cannot be read ({e.strerror})") from None
    except yaml.YAMLError as e:
        raise AutomationsError(f"{path}: not YAML ({e}); fix the file") from None
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        raise AutomationsError(f"{path}: field {field}: {err['msg']}; fix the file (see its header)") from None
    names = [a.name for a in spec.automations]
    if len(set(names)) != len(names):
        raise AutomationsError(f"{path}: an automation name is used twice; give each its own")
    return spec


def automation(spec: AutomationSpec, block_document_id):
    """The Prefect automation of one spec, notifying through the given notification block."""
    from prefect.automations import Automation
    from prefect.events.actions import SendNotification
    from prefect.events.schemas.automations import EventTrigger, Posture

    related = [{"prefect.resource.role": "flow", "prefect.resource.name": f} for f in spec.flows]
    trigger = EventTrigger(
        expect=set(spec.events),
        match={"prefect.resource.id": ["padan.*", "prefect.flow-run.*"]},
        match_related=related or {},
        posture=Posture.Reactive,
        threshold=1,
        within=0,
    )
    return Automation(
        name=spec.name,
        description=spec.description,
        enabled=True,
        trigger=trigger,
        actions=[SendNotification(block_document_id=block_document_id, subject=spec.subject, body=spec.body)],
    )


def apply(path: Path = DEFAULT_FILE, *, block: str = DEFAULT_BLOCK, webhook: str | None = None) -> list[str]:
    """Create or update (by name) every automation of the file on the configured Prefect server,
    each notifying through the notification block ``block`` (with ``webhook``: that block is first
    written as a webhook that receives subject and body as JSON). Returns the names applied."""
    from prefect.automations import Automation

    spec = load(path)
    if webhook:
        from prefect.blocks.notifications import CustomWebhookNotificationBlock

        notify = CustomWebhookNotificationBlock(
            name=block,
            url=webhook,
            method="POST",
            json_data={"subject": "{{subject}}", "body": "{{body}}"},
            allow_private_urls=True,
        )
        block_id = notify.save(block, overwrite=True)
    else:
        try:
            block_id = _notification_block(block)._block_document_id
        except ValueError:
            raise AutomationsError(
                f"no notification block named {block!r} on the Prefect server; create one (Slack, email, "
                "webhook) in the Prefect UI under Blocks, or pass --webhook URL"
            ) from None
    applied = []
    for a in spec.automations:
        new = automation(a, block_id)
        try:
            old = Automation.read(name=a.name)
        except ValueError:
            old = None
        if old is None:
            new.create()
        else:
            new.id = old.id
            new.update()
        applied.append(a.name)
    return applied


def _notification_block(name: str):
    """A notification block of any type (the engineer chooses: Slack, email, webhook) by its name,
    looked up without reading any block's secrets."""
    from prefect.blocks.core import Block
    from prefect.client.orchestration import get_client

    found, offset = [], 0
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_block_documents(include_secrets=False, offset=offset, limit=200)
            found += [d for d in page if d.name == name and "notify" in (d.block_schema.capabilities or [])]
            if len(page) < 200:
                break
            offset += 200
    if not found:
        raise ValueError(name)
    return Block.load(f"{found[0].block_type.slug}/{name}")
