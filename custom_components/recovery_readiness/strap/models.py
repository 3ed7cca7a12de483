"""Data models of the strap package: frozen, slotted, keyword-only; units in names."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

from .const import MS_PER_RR_TICK

if TYPE_CHECKING:
    from datetime import datetime


class BodySensorLocation(IntEnum):
    """Body Sensor Location (0x2A38) codes of the GATT Specification Supplement."""

    OTHER = 0
    CHEST = 1
    WRIST = 2
    FINGER = 3
    HAND = 4
    EAR_LOBE = 5
    FOOT = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class HeartRateMeasurement:
    """One decoded Heart Rate Measurement (0x2A37) notification.

    Attributes:
        hr_bpm: Heart rate as sent. 0 is legal on the wire (booting, no beat yet, no
            contact) and must be shown as unknown, never as 0 bpm; see `known_hr_bpm`.
        sensor_contact: True/False when the strap senses skin contact; None when the strap
            says contact sensing is not supported (flag bit 2 clear).
        energy_expended_kj: Cumulative energy expended, or None when absent or cut off.
        rr_1024: RR intervals in raw ticks of 1/1024 s, oldest first. Implausible values
            are kept; artefact screening happens downstream.
        truncated: A field or a trailing byte was cut off and dropped.
    """

    hr_bpm: int
    sensor_contact: bool | None
    energy_expended_kj: int | None
    rr_1024: tuple[int, ...]
    truncated: bool

    @property
    def rr_ms(self) -> tuple[float, ...]:
        """RR intervals in ms at full precision (``raw * 1000 / 1024``, exact in a float)."""
        return tuple([raw * MS_PER_RR_TICK for raw in self.rr_1024])

    @property
    def known_hr_bpm(self) -> int | None:
        """Heart rate to publish: None when it is 0 or the strap reports no skin contact."""
        if self.hr_bpm == 0 or self.sensor_contact is False:
            return None
        return self.hr_bpm


@dataclass(frozen=True, slots=True, kw_only=True)
class StrapInfo:
    """What the strap told us about itself (Device Information, location, battery).

    Every field is None until read; a characteristic the strap lacks stays None.
    """

    manufacturer: str | None = None
    model: str | None = None
    serial_number: str | None = None
    firmware_revision: str | None = None
    hardware_revision: str | None = None
    software_revision: str | None = None
    body_sensor_location: BodySensorLocation | None = None
    battery_pct: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    """A break in the beat stream: the link dropped and (maybe) came back.

    The strap discards what it measured while disconnected, so nothing in a gap can be
    recovered; the physiology side must not join RR series across it.

    Attributes:
        started_t_s: Clock time (monotonic by default) when the link dropped.
        started_at: Wall-clock time (aware, UTC by default) when the link dropped.
        ended_t_s: Clock time when the link was back and subscribed; None while open.
        ended_at: Wall-clock time when the link was back; None while open.
        reason: Why the link dropped, e.g. ``"link lost"`` or the reason given to
            `HeartRateStrap.disconnect`.
        expected: True when this side asked for the disconnect.
    """

    started_t_s: float
    started_at: datetime
    ended_t_s: float | None = None
    ended_at: datetime | None = None
    reason: str
    expected: bool

    @property
    def duration_s(self) -> float | None:
        """Length of the gap in clock seconds, or None while it is open."""
        if self.ended_t_s is None:
            return None
        return self.ended_t_s - self.started_t_s


@dataclass(frozen=True, slots=True, kw_only=True)
class Reception:
    """When and after what a measurement arrived; passed to every measurement callback.

    Attributes:
        t_s: Receive time on the strap's clock (``time.monotonic`` by default). This is
            not a beat time: RR values can be seconds old when they arrive.
        received_at: Receive time on the wall clock (aware, UTC by default).
        gap: Set on the first frame after a reconnect: the closed gap just before this
            frame. The RR series must be split here. None otherwise.
    """

    t_s: float
    received_at: datetime
    gap: Gap | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StrapStats:
    """Counters of one `HeartRateStrap` since it was created.

    Attributes:
        frames: Heart rate notifications parsed successfully.
        rr_values: RR intervals delivered in those frames.
        truncated_frames: Frames parsed with ``truncated=True``.
        bad_frames: Notifications dropped because no heart rate could be read.
        gaps: Times the link dropped after streaming had started.
        connects: Successful connections (link up and subscribed).
        connect_failures: Failed connection attempts (incl. out of slots).
        out_of_slots: Failed attempts because no connection slot was free.
        last_disconnect_reason: Reason of the most recent disconnect, if any.
        last_frame_t_s: Clock time of the last parsed frame (for staleness checks).
    """

    frames: int = 0
    rr_values: int = 0
    truncated_frames: int = 0
    bad_frames: int = 0
    gaps: int = 0
    connects: int = 0
    connect_failures: int = 0
    out_of_slots: int = 0
    last_disconnect_reason: str | None = None
    last_frame_t_s: float | None = None
