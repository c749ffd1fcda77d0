"""The supplier's org chart (seed 003, issue 14 item 1): departments, jobs with what they may sign, the
staff holding each job and their deputies. Work instructions and checklists name jobs by code and ask
`selectors.holders_of` who does a step on a day."""
