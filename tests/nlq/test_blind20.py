"""Twentieth blind set (100 cases: a chatty new special constable, an intelligence analyst packing
conditions and exclusions into one question, a press officer and a transport and events lead; 20
refusals), written blind from DESIGN.md by a writer who never read nlq/, and scored once before any
change: 69/100 = 69.0% (answered 71, errors 29, wrong 2: "Year-to-date" with hyphens was dropped;
"Q1 vs Q2" labels its periods where the gold has their first months). 20 of the 25 chatty messages
were refused for their context words."""

import pytest

from tests.nlq.test_results import HERE, _cases, check_answer

# Not answered yet (refused, safe): context that points back ("which of its boroughs"), exclusions of
# places and outcomes, and context that holds words which could change the answer.
NOT_YET = {
    "I've just been posted to the Central South BCU and I'm still learning the patch. Which boroughs does it "
    "cover, and how much violent crime did each of them record in 2025?",
    "Sorry if this is a daft question, but I'm trying to understand what a Saturday night shift in Lambeth "
    "actually deals with. How many violent crimes happened on Saturday nights in Lambeth during 2025?",
    "I'm planning a few walkabouts in Westminster and wondered which five streets there had the most "
    "pickpocketing over the past three months?",
    "Just trying to get my bearings in the North West BCU - which of its boroughs had the highest burglary "
    "rate per 1,000 residents in 2025?",
    "Our team is planning a dawn operation against car crime in Enfield. How many vehicle crimes were there "
    "in Enfield before 7am over the last 12 months?",
    "A journalist is asking for the safest borough by number of recorded crimes in 2025 - which borough had "
    "the fewest?",
    "robbery by BCU for the first half of 2025, excluding Central West",
    "Apart from Richmond, which borough had the highest proportion of its robbery happening at night in 2025?",
    "Bottom 3 boroughs for robbery per 1,000 residents in 2025, excluding Richmond upon Thames and Kingston "
    "upon Thames",
    "Burglary outcomes in Croydon for H2 2025, other than no suspect identified",
    "Boroughs where robbery dropped in 2025 compared with 2024, excluding the Central West BCU",
}
# The same counts, with the periods labelled ("Jan–Mar 2025") where the gold gives their first months.
LABELLED = {"All crime other than ASB in Tower Hamlets, Q1 vs Q2 2025"}


@pytest.mark.parametrize("case", _cases(HERE / "fixtures" / "blind20.toml"))
def test_blind20_answer_matches_gold(engine, case):
    question = " ".join(case["question"].split())
    if question in NOT_YET:
        pytest.xfail("refused, not yet understood")
    if question in LABELLED:
        pytest.xfail("periods labelled, not dated")
    check_answer(engine, case)
