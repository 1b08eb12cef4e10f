"""A broker for real-worker tests: Redis when the suite has it, else the embedded filesystem broker."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsroom.celery import app


@dataclass
class Broker:
    url: str
    folder: str | None = None
    options: dict = field(default_factory=dict)

    def send(self, task, *args) -> None:
        with app.connection_for_write(self.url, transport_options=self.options or None) as conn:
            task.apply_async(args=list(args), connection=conn)


def filesystem_broker(root: Path) -> Broker:
    options = {
        "data_folder_in": str(root / "queue"),
        "data_folder_out": str(root / "queue"),
        "processed_folder": str(root / "processed"),
        "control_folder": str(root / "control"),
    }
    for folder in set(options.values()):
        Path(folder).mkdir(parents=True, exist_ok=True)
    return Broker("filesystem://", str(root), options)
