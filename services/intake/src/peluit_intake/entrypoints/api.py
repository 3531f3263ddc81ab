"""The whistleblower's JSON API."""

from __future__ import annotations

from typing import Any

from litestar import Controller, post
from litestar.di import Provide
from pydantic import BaseModel

from peluit_intake.domain.report import ReportContent
from peluit_intake.service.submit import submit_report
from peluit_intake.wiring import Intake


class ReportAccepted(BaseModel):
    """Shown once: keep the receipt, it is the only way back to the report."""

    report_number: str
    receipt: str
    message: str
    message_en: str


class ReportsApi(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]
    dependencies = {"intake": Provide(Intake.current, sync_to_thread=False)}

    @post("/", status_code=201, summary="Submit a report (4W+1H); identity optional")
    async def submit(self, data: ReportContent, intake: Intake) -> ReportAccepted:
        accepted = await submit_report(intake.runtime.pool, intake.crypto, intake.cases_key(),
                                       data, channel="api")
        return ReportAccepted(
            report_number=accepted.report_number,
            receipt=accepted.receipt,
            message="Simpan nomor laporan dan kode rahasia ini. Kode rahasia hanya ditampilkan "
            "sekali dan diperlukan untuk melihat perkembangan laporan.",
            message_en="Keep this report number and secret receipt. The receipt is shown only "
            "once and is needed to follow the report.",
        )


__all__: list[Any] = ["ReportsApi"]
