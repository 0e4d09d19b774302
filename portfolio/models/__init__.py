"""How use cases relate (links) and group (clustering runs, portfolios and their members)."""

from .links import UseCaseLink
from .portfolios import ClusteringRun, Portfolio, PortfolioMembership
from .priorities import PriorityWeights

__all__ = ["ClusteringRun", "Portfolio", "PortfolioMembership", "PriorityWeights", "UseCaseLink"]
