"""Reading a Prometheus scrape in tests: ``Scrape.value(name, **labels)``."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True)
class Scrape:
    samples: list[tuple[str, dict[str, str], float]]

    @classmethod
    def parse(cls, text: str) -> Scrape:
        samples = [
            (sample.name, dict(sample.labels), float(sample.value))
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        ]
        return cls(samples)

    def value(self, name: str, **labels: str) -> float:
        """The sum of the samples named ``name`` whose labels include ``labels``."""
        return sum(
            value
            for sample_name, sample_labels, value in self.samples
            if sample_name == name and labels.items() <= sample_labels.items()
        )

    def moved(self, since: Scrape, name: str, **labels: str) -> float:
        """How much ``value(name, **labels)`` changed from the scrape ``since`` to this one."""
        return self.value(name, **labels) - since.value(name, **labels)


async def scrape(http: httpx.AsyncClient, base_url: str, token: str | None = None) -> Scrape:
    """``GET /metrics`` of the app at ``base_url``, parsed."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await http.get(f"{base_url}/metrics", headers=headers)
    assert response.status_code == 200, response.text
    return Scrape.parse(response.text)
