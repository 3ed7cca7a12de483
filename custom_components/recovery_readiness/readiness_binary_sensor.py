"""Binary sensor of a person's readiness: ready for hard training."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .physiology.readiness import Recommendation
from .readiness_entity import ReadinessEntity
from .readiness_manager import ReadinessManager

PARALLEL_UPDATES = 0  # push: nothing is polled

READY_FOR_HARD = BinarySensorEntityDescription(
    key="ready_for_hard_training", translation_key="ready_for_hard_training"
)


async def async_setup_entry(
    hass: HomeAssistant,
    manager: ReadinessManager,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a person's readiness binary sensor (called from the person's platform)."""
    async_add_entities([ReadyForHardTraining(manager, READY_FOR_HARD)])


class ReadyForHardTraining(ReadinessEntity, BinarySensorEntity):
    """On when today's recommendation is hard training; unknown without a readiness score."""

    @property
    def is_on(self) -> bool | None:
        """Whether the recommendation is "hard"."""
        r = self.coordinator.data.readiness
        if r is None or r.recommendation is None:
            return None
        return r.recommendation is Recommendation.HARD
