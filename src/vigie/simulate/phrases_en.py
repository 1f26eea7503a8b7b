"""English phrase pools for the simulated texts (same keys as phrases_fr).

Pools ending in `.-2` .. `.2` hold phrasings of one tone level (very
negative .. very positive); the tone of a generated text is the level its
parts were drawn from. `{very}` is filled with an intensifier, `{who}` with
the contact's first name. Clauses start lower case and carry no final stop:
the assembler capitalises and punctuates them.
"""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "area": (
        "the reporting module", "the export feature", "the main dashboard", "onboarding",
        "support", "the Salesforce integration", "the workflow editor", "the mobile app",
        "the API", "the latest release", "the permissions setup", "data sync",
        "the new analytics view", "the billing portal",
    ),
    "pred.-2": (
        "is {very} slow and painful, reports take minutes to load", "does not work at all", "keeps crashing",
        "is {very} bad and unreliable", "has been broken for over a week", "is {very} frustrating to use",
        "is a disaster for the team", "is completely useless right now", "fails every single day",
        "is {very} disappointing",
    ),
    "pred.-1": (
        "is too slow", "does not work as expected", "is disappointing so far",
        "is confusing for new users", "has too many annoying bugs", "is not good enough",
        "still has problems", "is worse than before", "is not really helpful",
        "is a pain to use",
    ),
    "pred.0": (
        "was updated last week", "is used mostly by the finance team", "was discussed in detail",
        "is being rolled out to a second team", "is on the agenda for next month",
        "was configured together", "is used daily", "was reviewed against the current process",
        "will be covered in the next training",
    ),
    "pred.1": (
        "works well", "is good and reliable", "is easy to use", "saves a lot of time",
        "is appreciated by the team", "does the job nicely", "has improved a lot", "is helpful",
        "runs smoothly", "is well adopted",
    ),
    "pred.2": (
        "works {very} well", "is {very} good", "is a huge time saver", "is {very} impressive",
        "has been excellent", "is loved by the whole team", "is exactly what everyone hoped for",
        "is {very} easy to use", "is a great success", "has been fantastic",
    ),
    "we.-2": (
        "we are {very} unhappy with the service", "we are extremely disappointed",
        "the team is {very} frustrated", "we are not happy at all", "nothing works as promised",
        "this is the worst quarter we have had with you",
        "we are {very} angry about the repeated outages",
        "our users have stopped trusting the data",
    ),
    "we.-1": (
        "we are not happy with the response times", "we are not satisfied with the product lately",
        "the team is disappointed", "things have not improved",
        "we expected more from the last release", "the tool does not meet our needs",
        "adoption is not where we want it", "we are struggling to get value from it",
    ),
    "we.0": (
        "we are reviewing our usage this quarter", "the team moved to a new office",
        "we will share the figures next week", "we have a new admin on our side",
        "our fiscal year starts in April", "we use it mainly for monthly reporting",
        "we are onboarding two new analysts",
    ),
    "we.1": (
        "we are happy with the product", "the team likes the new features",
        "things are going well", "we are satisfied with the support",
        "the rollout went smoothly", "it helps us every day", "our users find it useful",
    ),
    "we.2": (
        "we are {very} happy with the product", "the team loves it",
        "we are {very} impressed with the support", "this is the best tool we use",
        "it has changed how we work", "we are delighted with the results",
        "everyone here is {very} pleased",
    ),
    "they.-2": (
        "they are {very} unhappy", "the customer is extremely disappointed",
        "the team is {very} frustrated with us", "they are not happy at all",
        "they said nothing works as promised", "they are {very} angry about the outages",
        "the relationship is at a low point", "their users have stopped trusting the data",
    ),
    "they.-1": (
        "they are not happy with response times", "they are not satisfied lately",
        "the team is disappointed", "they feel things have not improved",
        "they expected more from the last release", "adoption is below target",
        "they struggle to get value from it", "the customer sounds unhappy lately",
    ),
    "they.0": (
        "they are reviewing usage this quarter", "they have a new admin",
        "their fiscal year starts in April", "they use it mainly for monthly reporting",
        "they are onboarding two new analysts", "they will share figures next week",
        "the team reorganised last month",
    ),
    "they.1": (
        "they are happy with the product", "the team likes the new features",
        "things are going well", "they are satisfied with support",
        "the rollout went smoothly", "adoption is on track", "they find it useful every day",
    ),
    "they.2": (
        "they are {very} happy with the product", "the team loves it",
        "they are {very} impressed with support", "they call it the best tool they use",
        "they are delighted with the results", "the customer is {very} enthusiastic",
        "the relationship is excellent",
    ),
    "very": ("very", "extremely", "really", "incredibly", "truly"),
    "but": (", but ", "; however, ", ", but honestly ", ". That said, "),
    "lead.call": (
        "Call with {who}.", "Quick call with {who}.", "Phone call with {who}.",
        "Check-in call with {who}.", "Spoke with {who} on the phone.",
    ),
    "lead.meeting": (
        "Meeting with {who}.", "On-site visit with {who}.", "Workshop with {who} and the team.",
        "Video meeting with {who}.", "Met {who} to review progress.",
    ),
    "lead.qbr": (
        "QBR with {who}.", "Quarterly business review with {who}.", "QBR held; {who} attended.",
        "Quarterly review with {who} and their team.",
    ),
    "who": ("the team", "the customer", "their team"),
    "fact.csm": (
        "Reviewed usage for the last quarter.", "Walked through the roadmap.",
        "Discussed the renewal timeline.", "Went through the open tickets.",
        "Presented the new automation features.", "Agreed on goals for next quarter.",
        "Sent the QBR deck afterwards.", "Sent the adoption report.",
        "Covered the new permissions model.", "Demoed the new dashboards.",
    ),
    "fact.email": (
        "Sent the QBR deck.", "Sent the renewal quote.", "Sent the release notes.",
        "Followed up on the open ticket.", "Sent the meeting summary.",
        "Shared a best-practice guide for dashboards.",
        "Sent the invoice copy requested by finance.", "Invited them to the next webinar.",
        "Sent the onboarding checklist.", "Posted the training recording.",
    ),
    "fact.event": (
        "Attended the product webinar.", "Registered for the user conference.",
        "Joined the automation masterclass.", "Attended the customer roundtable.",
        "Watched the release webinar.",
    ),
    "reply": ("Reply from {who}: ", "{who} replied: ", "Answer from {who}: "),
    "next": (
        "Next step: follow-up call in two weeks.", "Action: send the training plan.",
        "Will check in again next month.", "Next step: schedule a workshop with the admins.",
        "Follow-up planned after the release.", "To do: loop in support on the open tickets.",
    ),
    "greet": ("Hi,", "Hello,", "Hi team,", "Good morning,", "Hi there,"),
    "sign": ("Thanks,", "Best regards,", "Cheers,", "Thank you.", "Kind regards,"),
    "ask": (
        "Could you send us the invoice for last month?",
        "Can we schedule a training session for new users?",
        "Is there a way to export the dashboards to PDF?", "Please add two seats to our plan.",
        "Can you share the agenda for the next review?", "Who should we contact about SSO?",
        "Could you reset the admin access for our new analyst?",
    ),
    "intent.cancel.we": (
        "we are planning to cancel our subscription at renewal",
        "we will probably cancel at the end of the term", "we want to cancel the contract",
        "we would like to know how to cancel",
    ),
    "intent.cancel.they": (
        "they plan to cancel at renewal", "the customer asked how to cancel",
        "they are considering whether to cancel the contract", "they said they want to cancel",
    ),
    "intent.competitor.we": (
        "we have seen a demo from a competitor", "a competitor offered us a better deal",
        "we are comparing you with a competitor", "a competitor is cheaper for the same features",
    ),
    "intent.competitor.they": (
        "they mentioned a competitor", "a competitor is offering them a discount",
        "they had a demo with a competitor", "they are comparing us with a competitor",
    ),
    "intent.budget.we": (
        "we face a budget cut next year", "we had a budget cut and must reduce our tools",
        "finance announced a budget cut",
        "after the budget cut we need to review every subscription",
    ),
    "intent.budget.they": (
        "budget cut confirmed by their finance team", "they had a budget cut",
        "they mentioned a budget cut for next year", "a budget cut puts the renewal at risk",
    ),
    "intent.price.we": (
        "the price is too high for what we use", "honestly, the price is too high",
        "the price is too high compared to the value we get",
        "we cannot justify it anymore, the price is too high",
    ),
    "intent.price.they": (
        "they find the price too high", "they said the price is too high",
        "price too high is their main objection",
        "they push back: the price is too high for their usage",
    ),
    "intent.migration.we": (
        "we are planning a migration to another platform",
        "we will migrate to an in-house tool",
        "leadership wants us to migrate to the group's platform",
        "a migration to a new system is planned for next quarter",
    ),
    "intent.migration.they": (
        "they plan a migration to an in-house tool", "they will migrate to the group's platform",
        "migration to another platform is on their roadmap",
        "they are preparing to migrate their data out",
    ),
    "intent.evaluating.we": (
        "we are evaluating other options", "we are evaluating other options for next year",
        "to be transparent, we are evaluating other options",
        "we are evaluating alternatives",
    ),
    "intent.evaluating.they": (
        "they are evaluating other options",
        'they told us: "we are evaluating other options"',
        "they confirmed they are evaluating other options",
        "they are evaluating other options before the renewal",
    ),
    "subject.login": (
        "Cannot log in", "SSO login fails", "Password reset email not received",
        "Users locked out after the update", "Login page does not load",
    ),
    "subject.billing": (
        "Question about our last invoice", "Wrong amount on the invoice",
        "Need a copy of the invoice", "Billing contact change", "Charged twice this month",
    ),
    "subject.performance": (
        "Dashboards are very slow", "Reports time out", "Slow loading since the update",
        "Export takes forever", "App freezes on large reports",
    ),
    "subject.integration": (
        "Salesforce sync not working", "Integration errors since yesterday",
        "Webhook not triggered", "API returns 500 errors", "Data not syncing with our CRM",
    ),
    "subject.reporting": (
        "Report totals do not match", "Scheduled report not sent",
        "Cannot filter the monthly report", "Missing columns in the export",
        "Chart shows wrong dates",
    ),
    "subject.data_quality": (
        "Duplicate records in the dashboard", "Numbers look wrong", "Missing data for last week",
        "Data import failed", "Wrong time zone on events",
    ),
    "subject.permissions": (
        "User cannot see shared dashboards", "Need admin rights for a new user",
        "Permission error on export", "Role settings not applied", "Guest access not working",
    ),
    "subject.bug": (
        "Button does not respond", "Error message when saving", "Page crashes on save",
        "Bug in the workflow editor", "Unexpected error on the settings page",
    ),
    "problem.login": (
        "Since this morning several users cannot log in.",
        "Our SSO login fails with an unknown error.", "The password reset email never arrives.",
        "After the last update some users are locked out.",
        "The login page keeps spinning and never loads.",
    ),
    "problem.billing": (
        "The amount on our last invoice does not match the quote.",
        "We need a copy of the invoice for our accountant.", "We were charged twice this month.",
        "Please update our billing contact.", "The invoice shows more seats than we have.",
    ),
    "problem.performance": (
        "Dashboards take more than a minute to load.",
        "Large reports time out before they finish.",
        "Everything has been slow since the last update.",
        "Exports take forever and sometimes never finish.",
        "The app freezes when we open big reports.",
    ),
    "problem.integration": (
        "The Salesforce sync stopped working yesterday.",
        "We see integration errors in the logs since yesterday.",
        "Our webhook is no longer triggered.", "The API returns 500 errors on every call.",
        "Data does not sync with our CRM anymore.",
    ),
    "problem.reporting": (
        "The totals in the monthly report do not match our numbers.",
        "The scheduled report was not sent this week.",
        "We cannot filter the monthly report by region.", "Some columns are missing in the export.",
        "The chart shows the wrong dates.",
    ),
    "problem.data_quality": (
        "We see duplicate records in the dashboard.",
        "The numbers look wrong compared to our source.", "Data for last week is missing.",
        "The nightly data import failed.", "Events show the wrong time zone.",
    ),
    "problem.permissions": (
        "A user cannot see the shared dashboards.",
        "We need admin rights for a new team member.",
        "Exporting fails with a permission error.", "The new role settings are not applied.",
        "Guest access does not work.",
    ),
    "problem.bug": (
        "The save button does not respond.", "We get an error message every time we save.",
        "The page crashes when we save a workflow.", "The workflow editor loses our changes.",
        "The settings page shows an unexpected error.",
    ),
    "urgent": ("URGENT: ", "Blocking: ", "[Critical] ", "Urgent - "),
    "repeat": (
        "This is the third time we report this.", "Same issue as last month.",
        "We already reported this problem twice.", "This keeps happening.",
    ),
    "close": (
        "Please advise.", "Thanks for your help.", "Please fix this as soon as possible.",
        "Let us know when it is fixed.", "Thanks in advance.",
    ),
    "impact.-2": (
        "This is {very} frustrating, the whole team is blocked.",
        "We are extremely disappointed, this is not acceptable.",
        "This is a disaster for our month-end close.",
        "We are {very} unhappy, this has been going on for too long.",
        "Honestly, this is terrible and unacceptable.",
    ),
    "impact.-1": (
        "It is slowing us down.", "We are not happy about this.",
        "This is becoming a problem for the team.", "Not great, we need a fix soon.",
        "The team is getting frustrated.",
    ),
    "impact.0": (
        "Screenshots attached.", "It happens on Chrome and Firefox.", "Not urgent.",
        "Steps to reproduce are below.", "It affects one user so far.",
    ),
    "impact.1": (
        "Otherwise everything works well.", "All good otherwise, thanks!",
        "Thanks, the tool is great otherwise.", "Appreciate your help as always.",
    ),
    "impact.2": (
        "We love the product otherwise, thanks for the great support!",
        "Your team has always been {very} helpful, thanks!",
        "Everything else works {very} well, keep it up!",
        "Thanks, your support is always excellent.",
    ),
    "reason.champion_left": (
        "Our champion has left the company; sadly no replacement yet.",
        "Main contact left, we need a new sponsor.", "Lost our champion, relationship to rebuild.",
    ),
    "reason.competitor": (
        "They mentioned a competitor.", "A competitor is pitching them.",
        "Competitor demo scheduled on their side.",
    ),
    "reason.budget": (
        "Budget cut announced for next year.",
        "Finance is reviewing all tools after a budget cut.", "They mentioned a budget cut.",
    ),
    "reason.strategic_shift": (
        "New leadership; a migration to another platform is being discussed.",
        "Strategy change, they may migrate to the group's tool.",
        "Reorganisation: migration to an in-house tool on the table.",
    ),
    "reason.silent_dissatisfaction": (
        "Worrying: they seem to be disengaging.", "Hard to get answers lately.",
        "Low energy on their side, no clear complaint.",
    ),
    "reason.other": (
        "Something is off, to investigate.", "Unclear mood, follow up needed.",
        "Mixed signals, keep an eye on it.",
    ),
}  # fmt: skip
