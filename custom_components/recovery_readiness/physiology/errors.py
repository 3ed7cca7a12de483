"""The one domain exception of the physiology package."""


class InsufficientDataError(ValueError):
    """The input is too short for the metric's definition.

    The integration shows such a metric as unknown, never as 0.
    """

    def __init__(self, metric: str, *, needed: int, got: int) -> None:
        """Name the metric, the minimum amount of data it needs and what it got."""
        super().__init__(f"{metric} needs at least {needed} values, got {got}")
        self.metric = metric
        self.needed = needed
        self.got = got
