from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from domains.choices import AITechnique, Ambition, FoundationKind, RiskTier, Sourcing
from domains.models import BusinessFunction, Domain, Foundation, Team, UseCase, User
from portfolio.models import UseCaseLink


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


def function(slug: str = "marketing") -> BusinessFunction:
    """Business functions come from a data migration; tests pick them by slug."""
    return BusinessFunction.objects.get(slug=slug)


class DomainFactory(DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Domain {n}")
    slug = factory.Sequence(lambda n: f"domain-{n}")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    function = factory.LazyFunction(lambda: function("marketing"))

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class FoundationFactory(DjangoModelFactory):
    class Meta:
        model = Foundation

    name = factory.Sequence(lambda n: f"Foundation {n}")
    slug = factory.Sequence(lambda n: f"foundation-{n}")
    kind = FoundationKind.DATA_SOURCE
    readiness = 3


class UseCaseFactory(DjangoModelFactory):
    """A use case with every field a submission needs filled in."""

    class Meta:
        model = UseCase
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Use case {n}")
    domain = factory.SubFactory(DomainFactory)
    team = factory.SubFactory(TeamFactory)
    owner = factory.SubFactory(UserFactory)
    problem_statement = "Customers abandon 30% of baskets at delivery-slot selection."
    proposed_solution = "Predict slot availability and propose the best three slots."
    ambition = Ambition.TRANSFORMATION
    journey_stages = factory.LazyFunction(lambda: ["choose", "purchase"])
    ai_technique = AITechnique.CLASSICAL_ML
    business_value = 4
    feasibility = 3
    data_readiness = 3
    estimated_annual_benefit = Decimal("250000")
    estimated_annual_cost = Decimal("80000")
    risk_tier = RiskTier.MINIMAL
    sourcing = Sourcing.IN_HOUSE

    @factory.post_generation
    def functions(self, create, extracted, **kwargs):
        if create:
            self.functions.set(extracted if extracted is not None else [function("marketing")])

    @factory.post_generation
    def owner_in_team(self, create, extracted, **kwargs):
        # As in real data (and as UseCase.clean requires), the owner works in the submitting team.
        if create and extracted is not False:
            self.team.members.add(self.owner)

    @factory.post_generation
    def outcome_kpi(self, create, extracted, **kwargs):
        # Submission needs a success measure beyond efficiency: one growth measure unless told False.
        if create and extracted is not False:
            from governance.models import Kpi

            Kpi.objects.create(use_case=self, name="Conversion rate", category="growth", unit="%", baseline=2, target=3)

    @factory.post_generation
    def assessed_side_effect(self, create, extracted, **kwargs):
        # Delivery and scale need an assessed side effect: one, rated, unless told False.
        if create and extracted is not False:
            from governance.models import SideEffect

            SideEffect.objects.create(
                use_case=self, category="customer", title="Customers see fewer slots", likelihood=2, severity=2
            )


class UseCaseLinkFactory(DjangoModelFactory):
    class Meta:
        model = UseCaseLink

    source = factory.SubFactory(UseCaseFactory)
    target = factory.SubFactory(UseCaseFactory)
    kind = UseCaseLink.Kind.REINFORCES
    strength = 2


class CommitteeFactory(DjangoModelFactory):
    """A committee covering every domain unless told otherwise; quorum 3 votes from 2 functions."""

    class Meta:
        model = "governance.Committee"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Committee {n}")
    covers_all_domains = True
    quorum_votes = 3
    quorum_functions = 2


class CommitteeMembershipFactory(DjangoModelFactory):
    class Meta:
        model = "governance.CommitteeMembership"

    committee = factory.SubFactory(CommitteeFactory)
    user = factory.SubFactory(UserFactory)
    function = factory.LazyFunction(lambda: function("finance"))
    role = "member"


def import_run(*, execute: bool = True, dry_run: bool = True):
    """An import of a two-row file through the services (a model factory would skip the file and the
    mapping's checks): one good row and one without a title, so a run that has been executed carries a
    problem. `execute=False` leaves it queued, its counts and times still empty."""
    from core.actors import SYSTEM
    from exchange import services

    run = services.import_run_create(
        actor=SYSTEM,
        file_name="inventory.csv",
        content=b"ID,Name,Domain,Team\r\n1,Imported idea,Imported domain,Imported team\r\n2,,Imported domain,\r\n",
        definition={
            "name": "Test inventory",
            "source": "test-inventory",
            "external_id": "ID",
            "fields": {
                "title": "Name",
                "domain": {"column": "Domain", "create": True},
                "team": {"column": "Team", "create": True, "function": "it"},
            },
        },
        dry_run=dry_run,
        skip_bad_rows=True,
        enqueue=False,
    )
    return services.import_run_execute(run_id=run.pk, actor=SYSTEM) if execute else run
