"""The stakeholder map: organisations, people, consent, influence and interest, programme groups."""
