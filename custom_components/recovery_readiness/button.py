"""Buttons of person profiles (start the morning measurement); built by each entry's runtime."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import EntityFeed, RecoveryEntity, RecoveryReadinessConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RecoveryReadinessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's buttons."""
    async_add_entities(entry.runtime_data.entities(Platform.BUTTON))


class RecoveryButton[DataT](RecoveryEntity[DataT], ButtonEntity):
    """A button that runs one action of its entry's runtime."""

    def __init__(
        self,
        feed: EntityFeed[DataT],
        description: ButtonEntityDescription,
        *,
        press: Callable[[], None],
    ) -> None:
        """Bind the button to its device and its action."""
        super().__init__(feed, description)
        self._press = press

    async def async_press(self) -> None:
        """Run the action."""
        self._press()
