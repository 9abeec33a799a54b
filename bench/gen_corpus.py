#!/usr/bin/env python3
"""gen_corpus.py: the deterministic corpus `make bench` reads.

usage: gen_corpus.py OUTDIR [--deals 50] [--calls-per-deal 10] [--big-mib 63.5]

Writes, under OUTDIR:
  corpus/deal-NNN/...    50 deals x 10 one-hour sales calls (about 30 MB): Zoom WebVTT
                         (GMT..._Recording.transcript.vtt), Teams WebVTT (call-NN.vtt, with
                         cue ids and <v Name> spans) and plain "[hh:mm:ss] Name: text" or
                         Otter-style transcripts (call-NN.txt), mixed
  corpus/manifest.tsv    one line a call: path (relative to corpus/), deal, date, sellers,
                         seller org, buyer org, format, words
  big.vtt                one Teams WebVTT transcript just under the 64 MiB input cap (a
                         day-long recording of one team), for the memory measure
  corpus.stamp           the generator's hash: when it matches, nothing is written again

Standard library only, fixed seed, no input files: the same bytes on every machine and
Python 3 version (only random.Random's seeded choice/randint/random are used). The calls
are made from phrase templates of this file: two sides with named speakers, small talk,
discovery, product talk, commitments with dates, hedges, questions and requests with
their answers, risks, stakeholders named, news on earlier commitments, back-channel and
fillers, by industry.
"""
import hashlib
import os
import random
import sys

SEED = 20260303
WORDS_PER_MINUTE = (105, 130)     # speaking rate of a call, words a minute of call time
CALL_MINUTES = (52, 63)

# ---- people and organisations ------------------------------------------------------

FIRST = """Aaliyah Aaron Abebe Adaeze Aditi Adrian Aiko Alejandro Alena Amara Amir Ana Anders
Andrea Anika Arjun Asha Astrid Ayesha Beatriz Ben Bianca Bogdan Brandon Bruno Camila
Carlos Carmen Chen Chidi Chloe Claire Colin Dana Daniel Darius Deepa Diego Dmitri Elena
Elif Emeka Emily Erik Esther Ethan Farah Fatima Felix Fiona Gabriel Gareth Grace Hana
Hannah Hassan Hector Helga Hiro Ibrahim Ines Irene Isaac Ivan Jamal Javier Jenna Jessica
Jonas Jordan Julia Kai Kamala Karim Kate Kenji Kevin Kofi Lars Laura Leila Leo Lina Lucas
Luis Maya Mateo Mei Mia Miguel Mohammed Nadia Naomi Nikhil Nina Noah Olga Omar Owen Paolo
Patrice Pedro Priya Quentin Rafael Rahul Rania Ravi Rebecca Renee Rosa Ruth Sakura Samir
Sara Sean Sofia Soren Sunita Tamar Tariq Teresa Theo Tomas Uma Valentina Victor Wei Wendy
Xavier Yara Yusuf Zara Zoe""".split()
LAST = """Abara Adeyemi Alvarez Andersen Bakker Banerjee Barnes Becker Bianchi Brooks Castillo
Chandra Chen Costa Cruz Dahl Das Delgado Dubois Eriksen Evans Farouk Fischer Fontaine
Garcia Ghosh Gomez Grant Gupta Haddad Hansen Hartmann Hayes Herrera Holm Horvat Huang Ibe
Ivanova Jansen Jensen Kaur Keller Kim Kowalski Kruger Larsen Lee Lindqvist Lopez Lund
Mahmoud Marsh Martin Mendes Meyer Moreau Murphy Nakamura Nguyen Novak Okafor Olsen Ortiz
Osei Park Patel Pereira Petrov Quinn Rahman Ramos Reyes Rossi Sato Schmidt Silva Singh
Sorensen Sousa Suzuki Tanaka Torres Tran Varga Vogel Wagner Walsh Weber Wong Yilmaz Young
Zhang Ziegler""".split()

SELLERS = [  # (company, product, features, systems it connects to)
    ("Routewise", "route planning platform", ["dynamic re-routing", "driver mobile app", "proof of delivery", "carrier scorecards", "dock scheduling"]),
    ("Ledgerline", "close management suite", ["automated reconciliations", "flux analysis", "intercompany matching", "audit trail exports", "close checklists"]),
    ("Carevia", "patient intake platform", ["digital consent forms", "insurance eligibility checks", "appointment reminders", "e-prescribing hooks", "waitlist management"]),
    ("Shelfsense", "inventory forecasting tool", ["demand sensing", "markdown optimisation", "store-level replenishment", "vendor portals", "promo planning"]),
    ("Clauseworks", "contract lifecycle platform", ["clause library", "redline comparison", "approval workflows", "obligation tracking", "e-signature"]),
    ("Brightdesk", "service desk platform", ["ticket routing", "SLA dashboards", "knowledge base", "asset discovery", "change calendar"]),
    ("Onboardly", "HR onboarding suite", ["offer letters", "I-9 verification", "equipment requests", "buddy programs", "policy acknowledgements"]),
    ("Gridmetrics", "energy analytics platform", ["meter data ingestion", "load forecasting", "outage analytics", "tariff modelling", "ESG reporting"]),
    ("Fabrico", "shop floor MES", ["work order tracking", "OEE dashboards", "quality checks", "machine connectivity", "traceability"]),
    ("Claimsight", "claims automation platform", ["first notice of loss intake", "fraud scoring", "document extraction", "adjuster workbench", "subrogation tracking"]),
    ("Learnloop", "learning platform", ["course authoring", "cohort scheduling", "skills mapping", "SCORM import", "completion reporting"]),
    ("Staylink", "hotel operations platform", ["housekeeping boards", "guest messaging", "upsell offers", "maintenance tickets", "rate parity alerts"]),
    ("Sitegrid", "construction project platform", ["RFI tracking", "daily logs", "submittal workflows", "drawing versions", "punch lists"]),
    ("Paywell", "payments platform", ["virtual cards", "ACH batching", "vendor onboarding", "3-way matching", "FX payouts"]),
    ("Secureden", "security posture platform", ["asset inventory", "vulnerability prioritisation", "cloud misconfiguration alerts", "SOC 2 evidence collection", "phishing simulations"]),
    ("Tenantly", "property management platform", ["lease abstraction", "rent rolls", "work orders", "tenant portals", "CAM reconciliations"]),
]

BUYERS = [  # (industry, companies, systems, units, team names, pains)
    ("logistics", ["Harbor Freight Lines", "Northwind Haulage", "Bluewater Logistics", "Summit Carriers", "Cascade Distribution"],
     ["our TMS", "the WMS", "Samsara", "our EDI gateway", "the old AS/400 system"], "shipments",
     ["dispatch", "the warehouse team", "fleet ops", "customer service"],
     ["late deliveries", "manual load planning", "detention charges", "carriers not answering"]),
    ("healthcare", ["Mercy Health", "Riverbend Clinics", "St. Aldric Medical Group", "Pinecrest Hospital", "Valley Care Partners"],
     ["Epic", "Cerner", "our patient portal", "the scheduling system", "Athena"], "patient visits",
     ["front desk staff", "the nursing team", "revenue cycle", "patient access"],
     ["no-shows", "paper forms at check-in", "denied claims", "long hold times"]),
    ("retail", ["Lumen Retail", "Oakridge Outfitters", "Copperleaf Home", "Marlow & Finch", "Tidewater Grocers"],
     ["our POS", "SAP", "the e-commerce platform", "Shopify", "our merchandising system"], "orders",
     ["store ops", "merchandising", "the buying team", "loss prevention"],
     ["stockouts", "too much markdown", "spreadsheets for allocation", "slow replenishment"]),
    ("fintech", ["Quillpay", "Finstack", "Coinbridge", "Ardent Lending", "Meridian Credit Union"],
     ["NetSuite", "our core banking system", "Plaid", "the ledger service", "Salesforce"], "transactions",
     ["finance ops", "the controllers", "risk", "treasury"],
     ["a ten-day close", "manual reconciliations", "audit findings", "chargebacks"]),
    ("manufacturing", ["Keystone Components", "Ironclad Fabrication", "Precision Dynamics", "Redline Plastics", "Granite Valve Works"],
     ["our ERP", "the PLC network", "SAP", "the quality database", "Excel"], "work orders",
     ["the plant managers", "quality", "maintenance", "production planning"],
     ["unplanned downtime", "scrap rates", "paper travellers", "missed ship dates"]),
    ("insurance", ["Cornerstone Mutual", "Ashford Insurance", "Beacon Assurance", "Heritage Casualty", "Evergreen Life"],
     ["Guidewire", "our policy admin system", "the claims system", "Duck Creek", "our data warehouse"], "claims",
     ["claims", "underwriting", "the adjusters", "special investigations"],
     ["claims cycle time", "leakage", "manual document review", "adjuster turnover"]),
    ("education", ["Westbrook University", "Lakeside School District", "Crestview College", "Northgate Academy", "Palmer Institute"],
     ["Canvas", "Banner", "Workday Student", "our SIS", "Moodle"], "enrollments",
     ["the registrar", "academic affairs", "IT", "student success"],
     ["drop-off in the first term", "manual enrolment checks", "scattered course content", "reporting to the state"]),
    ("hospitality", ["Seabright Hotels", "Alder Resorts", "Cityline Suites", "Juniper Inns", "Grand Meridian"],
     ["Opera", "our PMS", "the channel manager", "Mews", "our CRM"], "room nights",
     ["housekeeping", "front office", "revenue management", "guest services"],
     ["slow room turns", "guest complaints", "missed upsells", "paper maintenance logs"]),
    ("construction", ["Bedrock Builders", "Apex Contracting", "Stonebridge Construction", "Highline Civil", "Corbel Group"],
     ["Procore", "our document server", "Primavera", "Autodesk", "the accounting system"], "RFIs",
     ["the project managers", "site supers", "preconstruction", "estimating"],
     ["RFIs lost in email", "rework", "late submittals", "change orders nobody tracks"]),
    ("energy", ["Tri-County Electric", "Northstar Utilities", "Prairie Wind Co-op", "Coastal Power", "Ridgeback Gas"],
     ["our SCADA", "the MDM", "Oracle CC&B", "GIS", "the outage management system"], "meter reads",
     ["grid ops", "customer care", "metering", "regulatory"],
     ["estimated bills", "outage calls", "manual load studies", "rate case prep"]),
    ("real estate", ["Parkline Properties", "Keystone REIT", "Urban Nest", "Fairmont Realty", "Bluestem Commercial"],
     ["Yardi", "MRI", "our lease database", "AppFolio", "the accounting system"], "leases",
     ["property managers", "lease admin", "accounting", "asset management"],
     ["missed renewal dates", "CAM disputes", "slow work orders", "rent roll errors"]),
    ("software", ["Vantage Analytics", "Pixelforge", "Cloudnine Systems", "Orbit Labs", "Tessellate"],
     ["Jira", "ServiceNow", "Okta", "our data lake", "Zendesk"], "tickets",
     ["support", "platform engineering", "IT", "customer success"],
     ["ticket backlog", "SLA breaches", "shadow IT", "audit evidence by hand"]),
]

COMPETITORS = ["Velocity", "Axiom", "Trackpoint", "Corvus", "Nimbus", "Stratus", "Keel", "Lattice",
               "the incumbent", "a homegrown tool", "Ardent Systems", "Helix"]

SELLER_ROLES = ["account executive", "solutions engineer", "customer success lead", "sales director",
                "implementation manager", "VP of sales"]
BUYER_ROLES = ["VP of Operations", "director of IT", "CFO", "controller", "head of procurement",
               "general counsel", "CISO", "COO", "operations manager", "IT security lead",
               "director of finance", "CIO", "head of people", "program manager"]
ABSENT_ROLES = ["our CFO", "our general counsel", "our CIO", "the head of procurement", "our CISO",
                "our COO", "the VP of finance", "our controller", "the security team", "the steering committee"]

ITEMS = ["the security questionnaire", "the order form", "the MSA redlines", "a revised quote",
         "the data export", "the rollout plan", "the pen test summary", "the DPA", "an ROI model",
         "the SOC 2 report", "the implementation timeline", "a sandbox login", "the pricing breakdown",
         "the reference list", "the architecture diagram", "the sample file", "last quarter's numbers",
         "the SSO config", "the mutual action plan", "the business case", "a one-pager for the board",
         "the integration spec", "the test plan", "the training schedule", "the signed NDA",
         "the vendor form", "the W-9", "the insurance certificate", "the API keys", "the user list",
         "the redlined SOW", "the recording of today's call", "the slides", "a draft statement of work",
         "the renewal numbers", "the pilot success criteria", "the field mapping", "the data retention policy"]

VERB_OBJECTS = [
    "send over {item}", "share {item}", "get you {item}", "put together {item}", "pull together {item}",
    "turn around {item}", "review {item}", "clean up {item}", "walk your team through {item}",
    "send {item} to {buyer_first}", "set up a working session with {team}", "book a call with legal",
    "loop in our solutions engineer", "schedule the technical deep dive", "get the sandbox provisioned",
    "run the numbers again with your volumes", "draft the success criteria", "update {item}",
    "confirm the start date with {team}", "check with finance on the payment terms",
    "get {item} signed", "come back to you on the discount", "follow up with {item}",
    "set up the kickoff", "put a hold on everyone's calendar", "circle back on the SSO question",
    "send a recap of today", "get a reference call lined up", "look into the timeout issue",
    "ask our product team about the roadmap", "write up the open questions", "get you pricing for the extra seats",
]

DATES = ["by Friday", "tomorrow", "early next week", "by end of the month", "on the fifteenth",
         "next week", "today", "by the end of the day", "by March 20th", "in a couple of weeks",
         "before the holidays", "by Tuesday", "on Thursday", "next Monday", "by Wednesday afternoon",
         "end of next week", "within two weeks", "by the 28th", "first thing Monday", "this week",
         "by April 3rd", "mid next week", "before your board meeting", "by EOD Thursday",
         "in the next few days", "by the first of the month", "before the 10th", "on Monday",
         "by Q2", "later this week", "next Friday", "by the end of the quarter"]

SMALL_TALK = [
    ("Hey, good morning! Can you hear me okay?", "Yep, loud and clear. Morning."),
    ("How was the weekend?", "Pretty quiet honestly. We finally got the garden cleaned up."),
    ("Did you make it to the game on Sunday?", "I did, it was freezing but we won, so worth it."),
    ("How's the weather over there?", "Rain again. Third day in a row."),
    ("Sorry, I was on mute. Classic.", "Ha, happens to all of us."),
    ("Are you back from the conference?", "Got back Thursday night. Still catching up on email."),
    ("How are the kids doing with the new school?", "Much better now, thanks for asking. The first month was rough."),
    ("Give me one second, my dog is losing it at the mail carrier.", "No worries, take your time."),
    ("You're breaking up a little bit.", "Is this better? I switched to my headset."),
    ("Did you get any time off over the break?", "A few days. We drove up to the lake."),
    ("I love the background, is that a real bookshelf?", "It is, that's my whole cookbook collection."),
    ("Busy week on your side?", "It's quarter end, so yes, everything is on fire."),
    ("Is it still snowing up there?", "Finally stopped last night, but the roads are a mess."),
    ("Sorry I'm a couple of minutes late, the last meeting ran over.", "All good, we were just chatting."),
]

BACKCHANNEL = ["Yeah.", "Mm-hmm.", "Right.", "Right, right.", "Got it.", "Okay.", "Sure.", "Makes sense.",
               "Yep.", "Totally.", "Interesting.", "Okay, got it.", "Yeah, yeah.", "Sure, sure.", "Uh-huh."]

FILLERS = ["um,", "uh,", "you know,", "I mean,", "like,", "so,", "honestly,", "basically,"]


def _title(s):
    return s[0].upper() + s[1:]


class Call:
    """One call's speakers, context and the utterances said, in order."""

    def __init__(self, rnd, deal, number, minutes):
        self.rnd = rnd
        self.deal = deal
        self.number = number
        self.minutes = minutes
        self.utt = []            # (speaker, text)

    def say(self, who, text):
        self.utt.append((who, text))


class Deal:
    def __init__(self, rnd, index, cast=None):
        self.index = index
        self.seller_org, self.product, self.features = SELLERS[index % len(SELLERS)]
        ind = BUYERS[(index * 7 + 3) % len(BUYERS)]
        self.industry, orgs, self.systems, self.units, self.teams, self.pains = ind
        self.buyer_org = orgs[(index // len(BUYERS)) % len(orgs)]
        used = set()

        def person():
            while True:
                n = rnd.choice(FIRST) + " " + rnd.choice(LAST)
                if n.split()[0] not in used:
                    used.add(n.split()[0])
                    return n
        if cast:
            self.sellers, self.buyers, self.absent = cast
        else:
            self.sellers = [person() for _ in range(rnd.randint(1, 2))]
            self.buyers = [person() for _ in range(rnd.randint(2, 3))]
            self.absent = [(person(), rnd.choice(BUYER_ROLES)) for _ in range(3)]
        self.seller_roles = [rnd.choice(SELLER_ROLES) for _ in self.sellers]
        self.buyer_roles = [rnd.choice(BUYER_ROLES) for _ in self.buyers]
        self.competitor = rnd.choice(COMPETITORS)


def first(name):
    return name.split()[0]


def fill(rnd, deal, text, speaker=None):
    """Fills a template's slots from the deal."""
    b_other = [p for p in deal.buyers if p != speaker] or deal.buyers
    slots = {
        "item": rnd.choice(ITEMS),
        "item2": rnd.choice(ITEMS),
        "date": rnd.choice(DATES),
        "date2": rnd.choice(DATES),
        "seller_org": deal.seller_org,
        "buyer_org": deal.buyer_org,
        "product": deal.product,
        "feature": rnd.choice(deal.features),
        "feature2": rnd.choice(deal.features),
        "system": rnd.choice(deal.systems),
        "units": deal.units,
        "team": rnd.choice(deal.teams),
        "pain": rnd.choice(deal.pains),
        "competitor": deal.competitor,
        "buyer_first": first(rnd.choice(b_other)),
        "seller_first": first(rnd.choice(deal.sellers)),
        "absent": rnd.choice(deal.absent)[0],
        "absent_first": first(rnd.choice(deal.absent)[0]),
        "absent_role": rnd.choice(ABSENT_ROLES),
        "n": str(rnd.choice([3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 40])),
        "big": rnd.choice(["two thousand", "about eight hundred", "twelve thousand", "forty thousand",
                           "a few hundred", "five or six thousand", "close to a million"]),
        "pct": rnd.choice(["ten", "fifteen", "twenty", "thirty", "forty"]),
        "month": rnd.choice(["January", "February", "March", "April", "June", "July", "September",
                             "October", "November"]),
        "day": rnd.choice(["Thursday", "next Tuesday", "Monday morning", "the 19th", "Friday afternoon",
                           "Wednesday at ten", "the week of the 9th"]),
        "quarter": rnd.choice(["Q1", "Q2", "Q3", "Q4", "next quarter", "the second half"]),
    }
    slots["verb_obj"] = rnd.choice(VERB_OBJECTS).format(**slots)
    slots["verb_obj2"] = rnd.choice(VERB_OBJECTS).format(**slots)
    return text.format(**slots)


# ---- what each side says ------------------------------------------------------------

SELLER_AGENDA = [
    "So the plan for today: a quick recap of where we landed last time, then {feature}, and we'll save the last ten minutes for next steps.",
    "I wanted to use today to go deeper on {feature} and how it would work with {system}.",
    "Thanks everyone for making the time. I know things are busy for {team} right now, so we'll keep this focused.",
    "Before we dive in, does anyone have a hard stop?",
    "I'd like to make sure we leave time at the end to talk about timing and who else needs to be involved.",
]
SELLER_DISCOVERY = [
    "How are you handling {pain} today?",
    "Walk me through what happens when a {unit1} comes in today.",
    "Roughly how many {units} do you run through in a month?",
    "Who owns that process on your side, is that {team}?",
    "What happens if nothing changes, say, a year from now?",
    "How does {system} fit into that, is it the system of record?",
    "When you say {pain}, how often are we talking about?",
    "What did you try before, and why didn't it stick?",
    "Who else would need to weigh in before a decision like this?",
    "What does success look like six months after go-live?",
    "Is there a date driving this, or is it more of a when-we-get-to-it project?",
]
BUYER_ANSWERS = [
    "Right now it's mostly spreadsheets and email, and a lot of it lives in people's heads.",
    "We do {big} {units} a month, more in peak season.",
    "It takes {team} about {n} hours a week just to keep up with it.",
    "The biggest pain is {pain}, honestly. It comes up in every ops review.",
    "{system} is the system of record, but nobody trusts the data in it.",
    "We tried to build something in-house two years ago and it kind of died when the engineer left.",
    "Success for us would be cutting {pain} in half, and not having {team} chase things by phone.",
    "It's a mix. Some sites are pretty good at it, some are basically still on paper.",
    "The volume is fine most of the year, it's the spikes that kill us.",
    "We've grown about {pct} percent a year and the process just hasn't kept up.",
    "Honestly it works, it's just slow, and every exception turns into a meeting.",
    "I'd say {team} spends half their day on it, which is not what we hired them for.",
    "We get audited on it every year and it's a scramble every single time.",
    "We looked at a couple of tools last year but none of them talked to {system}.",
]
SELLER_PRODUCT = [
    "So what you're seeing here is the {feature} view. Everything on the left is live.",
    "Our platform supports {feature} out of the box, there's nothing to build.",
    "We integrate with {system} through a native connector, it syncs every few minutes.",
    "Customers your size typically see {pain} drop by about {pct} percent in the first quarter.",
    "This is where {team} would spend most of their day.",
    "Each of these rules can be changed by an admin, no tickets to us.",
    "The {feature} piece is usually what people fall in love with in the pilot.",
    "We have about {n} customers in {industry} running this exact setup.",
    "If I click into one of these you can see the full history, who changed what and when.",
    "Everything is role-based, so {team} only sees their own sites.",
    "We can turn on {feature2} later, most customers start with {feature}.",
    "The mobile app works offline, it syncs when the connection comes back.",
    "Reporting is all exportable, CSV or straight into your BI tool.",
]
BUYER_QUESTIONS = [
    "How long does a typical implementation take?",
    "Does that work with {system}, or is that a custom integration?",
    "What does the pricing look like for the extra sites?",
    "Can we restrict who sees the financial fields?",
    "Where is the data hosted?",
    "How do you handle SSO, do you support Okta?",
    "What happens to our data if we leave?",
    "Is {feature} included or is that an add-on?",
    "How many people do we need on our side for the rollout?",
    "Do you have anyone in {industry} we could talk to?",
]
SELLER_ANSWERS = [
    "Typically six to eight weeks, most of it is waiting on data access.",
    "That one's native, we have a connector for {system}.",
    "Good question. It's included in the platform tier, the add-ons are really just {feature2}.",
    "We're hosted in AWS, US regions by default, and we can do EU if you need it.",
    "Yes, SAML and SCIM, Okta and Azure AD are the two most common.",
    "You own the data, full export any time, and we delete it thirty days after the end of the contract.",
    "Usually one admin part-time and someone from {team} for the testing.",
    "We do, a couple of them are happy to take a call.",
]

COMMITMENTS_SELLER = [
    "I'll {verb_obj} {date}.",
    "We'll {verb_obj} {date}, that's the plan.",
    "Let me {verb_obj} and I'll get back to you {date}.",
    "I can have {item} to you {date}.",
    "I'll have {seller_first} {verb_obj} {date}.",
    "What I'll do is {verb_obj} {date}.",
    "You'll have {item} {date}.",
    "We should be able to {verb_obj} {date}.",
    "I'm sending {item} over {date}.",
    "Okay, so on our side, I'll {verb_obj} {date}, and we'll {verb_obj2} {date2}.",
    "I'll make sure {item} is in your inbox {date}.",
    "Great. Expect {item} from me {date}.",
    "Yeah, I'll um {verb_obj} {date}.",
    "I'm going to {verb_obj} {date} so you have it before the review.",
    "I'll send an invite for {day}.",
]
COMMITMENTS_BUYER = [
    "I'll {verb_obj} {date}.",
    "Let me check with {team} and I'll come back to you {date}.",
    "I can get you {item} {date}.",
    "We'll {verb_obj} {date}.",
    "{absent_first} said she'll {verb_obj} {date}.",
    "I'll have {buyer_first} {verb_obj} {date}.",
    "I'll take {item} to {absent_role} {date}.",
    "Yeah, I can do {date}.",
    "I'm going to {verb_obj} {date}, I already blocked the time.",
    "We're signing the NDA {date}, it's with legal now.",
    "If the pilot goes well, we sign {date}.",
]
HEDGES = [
    "I might be able to {verb_obj} {date} but no promises.",
    "I'll try, but I can't commit to {date}, {team} is underwater.",
    "Maybe we could {verb_obj} at some point, I'd have to check.",
    "I'd love to {verb_obj}, I just don't know if legal will let me.",
    "Probably not before {date}, honestly.",
    "I'm not sure we'll get to {item} this month.",
    "If it were up to me we'd {verb_obj} {date}, but it's not up to me.",
    "We won't be able to {verb_obj} until the audit is done.",
    "I'll be honest with you, {item} is not at the top of my list.",
    "Hopefully we can {verb_obj} {date}, but don't hold me to that.",
]
REQUESTS = [
    ("Could you {verb_obj} {date}?", ["Yes, absolutely.", "Sure, I can do that.", "Yep, will do.", "No problem.", "Yeah, that works."]),
    ("Can you send us {item}?", ["Yes, I'll send it {date}.", "Sure thing.", "Of course."]),
    ("Any chance you could {verb_obj} {date}?", ["Yeah, should be fine.", "Let me see what I can do.", "Sure."]),
    ("Would it be possible to {verb_obj} before the next call?", ["I think so, yes.", "Yes.", "I don't see why not."]),
    ("Can we get {item} {date}?", ["Yes.", "Yep, no problem.", "I'll make it happen."]),
]
RISKS_BUYER = [
    "Honestly, this wasn't in the budget for this year, so {absent_role} will want a business case.",
    "The budget is tight until {quarter}, everything is getting a second look.",
    "We're also looking at {competitor}, I won't pretend we're not.",
    "{competitor} came in about {pct} percent cheaper, so you know.",
    "Anything over fifty thousand has to go through procurement, and they're slow.",
    "Legal is going to want to redline the MSA, they always do.",
    "Our contract with {competitor} auto-renews on {month} 1st, so that's the real deadline.",
    "We have a code freeze from mid-November through January.",
    "{absent} is skeptical, she's been burned by a tool like this before.",
    "Our CIO is going on leave next month, so things might stall.",
    "Our {system} integration is a custom build, nobody really knows how it works anymore.",
    "The API kept timing out during the last pilot with another vendor.",
    "We have a lot of competing priorities this quarter, this is one of about five things.",
    "The project was on hold for a while after the reorg.",
    "Data residency is going to come up, we have customers in the EU.",
    "Security review takes about six weeks here, no matter what.",
    "The steering committee only meets once a quarter.",
    "If we're not live by {month}, we miss the whole season.",
    "We're short-staffed on {team} right now, two people just left.",
    "Honestly the price is still a stretch for us.",
]
STAKEHOLDERS_BUYER = [
    "{absent}, our {absent_r}, will want to see the numbers before anything gets signed.",
    "{absent_first} in procurement handles all the vendor onboarding.",
    "You'll need to meet {absent_first}, she runs finance.",
    "Our CFO signs off on anything like this.",
    "{absent} is our {absent_r}, she's the one who'll push back on the terms.",
    "I'll loop in {absent_first} from legal on the next call.",
    "{absent_first}'s team owns {system}, so they'll need to be in the room.",
    "Our general counsel reviews every contract over a certain size.",
    "The person you really need is {absent}, who runs {team}.",
]
UPDATES = [
    "I sent {item} over on Tuesday, did it come through?",
    "{item} is done, {absent_first} signed it yesterday.",
    "Legal is still waiting on the template for {item}.",
    "We decided to drop the SSO piece for now, it can come later.",
    "The pilot results came back and they look good.",
    "{item} is stuck, {absent_first} is waiting on legal to approve it.",
    "I shared {item} with the team last week.",
    "We pushed {item} to next month, sorry about that.",
    "{item} came back from security with two questions.",
    "We finished the data export, it's sitting in the shared folder.",
]
PAST_AND_HABITS = [
    "We usually send out a recap after every call.",
    "Last year we rolled out {system} to every site in about three months.",
    "I sent a similar plan to another customer and it worked well.",
    "We always run a pilot before we commit to anything.",
    "We normally do quarterly business reviews with our vendors.",
    "{team} reviewed something like this back in {month}.",
]
CLOSING = [
    ("Okay, I think that's everything. Thanks everyone, this was really helpful.", "Thanks, talk soon."),
    ("Great, I'll let you go. Have a good rest of your week.", "You too, bye."),
    ("Thanks for the time today.", "Thank you, this was great."),
    ("Alright, we're at time. Speak next week.", "Sounds good, take care."),
]


def unit1(units):
    return units[:-1] if units.endswith("s") else units


KEEP_CASE = set(FIRST) | set(LAST) | {"I", "I'll", "I'm", "I'd", "I've", "Okay", "OK"}


def add_fillers(rnd, text):
    """Sprinkles fillers and restarts into some sentences, as people speak."""
    r = rnd.random()
    if r < 0.12:  # "Um, so the plan ..."
        w = text.split(" ")
        if w[0].rstrip(",.!?") not in KEEP_CASE and not w[0].isupper():
            w[0] = w[0][0].lower() + w[0][1:]
        text = _title(rnd.choice(FILLERS)) + " " + " ".join(w)
    elif r < 0.22:  # "... the, uh, security questionnaire"
        w = text.split(" ")
        if len(w) > 3:
            k = rnd.randint(1, len(w) - 2)
            w.insert(k, rnd.choice(FILLERS))
            text = " ".join(w)
    if rnd.random() < 0.05:
        w = text.split(" ")
        text = w[0] + "- " + text
    return text


def make_call(rnd, deal, number):
    minutes = rnd.randint(*CALL_MINUTES)
    rate = rnd.randint(*WORDS_PER_MINUTE)
    target = minutes * rate
    c = Call(rnd, deal, number, minutes)
    sellers, buyers = deal.sellers, deal.buyers
    words = 0

    def S():
        return rnd.choice(sellers)

    def B():
        return rnd.choice(buyers)

    def line(who, tmpl):
        nonlocal words
        text = fill(rnd, deal, tmpl.replace("{unit1}", unit1(deal.units)).replace("{industry}", deal.industry)
                    .replace("{absent_r}", deal.absent[0][1]), who)
        text = add_fillers(rnd, _title(text))
        c.say(who, text)
        words += len(text.split())

    def back(who):
        nonlocal words
        t = rnd.choice(BACKCHANNEL)
        c.say(who, t)
        words += len(t.split())

    # opening
    for _ in range(rnd.randint(2, 4)):
        a, b = rnd.choice(SMALL_TALK)
        line(S() if rnd.random() < 0.6 else B(), a)
        line(B(), b)
    line(S(), rnd.choice(SELLER_AGENDA))
    if number > 1:
        for _ in range(rnd.randint(2, 4)):
            line(B() if rnd.random() < 0.6 else S(), rnd.choice(UPDATES))
            back(S())
    phases = ["discovery"] * 3 + ["product"] * 3 + ["questions"] * 2 + ["risks", "stakeholders", "past", "chat"]
    while words < target * 0.95:
        ph = rnd.choice(phases)
        if ph == "discovery":
            line(S(), rnd.choice(SELLER_DISCOVERY))
            for _ in range(rnd.randint(1, 3)):
                line(B(), rnd.choice(BUYER_ANSWERS))
                if rnd.random() < 0.5:
                    back(S())
        elif ph == "product":
            for _ in range(rnd.randint(2, 5)):
                line(S(), rnd.choice(SELLER_PRODUCT))
                if rnd.random() < 0.4:
                    back(B())
        elif ph == "questions":
            line(B(), rnd.choice(BUYER_QUESTIONS))
            line(S(), rnd.choice(SELLER_ANSWERS))
            if rnd.random() < 0.3:
                line(S(), rnd.choice(HEDGES))
        elif ph == "risks":
            line(B(), rnd.choice(RISKS_BUYER))
            back(S())
            if rnd.random() < 0.5:
                line(S(), "Understood. " + rnd.choice(SELLER_DISCOVERY))
                line(B(), rnd.choice(BUYER_ANSWERS))
        elif ph == "stakeholders":
            line(B(), rnd.choice(STAKEHOLDERS_BUYER))
            back(S())
        elif ph == "past":
            line(rnd.choice([S(), B()]), rnd.choice(PAST_AND_HABITS))
        else:
            a, b = rnd.choice(SMALL_TALK[4:])
            line(S() if rnd.random() < 0.5 else B(), a)
            line(B(), b)
        if rnd.random() < 0.08:  # a promise or request mid-call
            if rnd.random() < 0.5:
                req, answers = rnd.choice(REQUESTS)
                line(B(), req)
                line(S(), rnd.choice(answers))
            else:
                line(S() if rnd.random() < 0.6 else B(), rnd.choice(COMMITMENTS_SELLER if rnd.random() < 0.6 else COMMITMENTS_BUYER))
    # next steps
    line(S(), "So let's talk next steps.")
    while words < target:
        r = rnd.random()
        if r < 0.35:
            line(S(), rnd.choice(COMMITMENTS_SELLER))
        elif r < 0.6:
            line(B(), rnd.choice(COMMITMENTS_BUYER))
        elif r < 0.75:
            line(B() if rnd.random() < 0.6 else S(), rnd.choice(HEDGES))
        elif r < 0.9:
            req, answers = rnd.choice(REQUESTS)
            asker = B() if rnd.random() < 0.5 else S()
            line(asker, req)
            line(S() if asker in buyers else B(), rnd.choice(answers))
        else:
            back(B())
    a, b = rnd.choice(CLOSING)
    line(S(), a)
    line(B(), b)
    c.words = words
    return c


# ---- timing and formats ---------------------------------------------------------------

def ts(ms, sep="."):
    return "%02d:%02d:%02d%s%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, sep, ms % 1000)


def clock(ms):
    return "%02d:%02d:%02d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60)


def cues(rnd, call, max_words, t0=0):
    """Splits each utterance into cues of at most max_words words, timed at the call's rate."""
    total_words = sum(len(t.split()) for _, t in call.utt)
    ms_per_word = call.minutes * 60000 * 0.9 / max(total_words, 1)
    t, out = t0 + rnd.randint(200, 2500), []
    for who, text in call.utt:
        w = text.split()
        while w:
            n = len(w) if len(w) <= max_words else rnd.randint(max(3, max_words // 2), max_words)
            part, w = w[:n], w[n:]
            dur = int(ms_per_word * len(part) * rnd.uniform(0.8, 1.2)) + 200
            out.append((who, " ".join(part), t, t + dur))
            t += dur + rnd.randint(40, 900)
        t += rnd.randint(100, 1500)
    return out, t


def render_zoom(rnd, call):
    out = ["WEBVTT", ""]
    for i, (who, text, a, b) in enumerate(cues(rnd, call, 28)[0], 1):
        out += [str(i), "%s --> %s" % (ts(a), ts(b)), "%s: %s" % (who, text), ""]
    return "\n".join(out) + "\n"


def render_teams(rnd, call, t0=0, header=True, guid=None):
    guid = guid or "%08x-%04x-4%03x-%04x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16), rnd.getrandbits(12),
                                                   0x8000 | rnd.getrandbits(14), rnd.getrandbits(48))
    out = ["WEBVTT", ""] if header else []
    cs, end = cues(rnd, call, 16, t0)
    for i, (who, text, a, b) in enumerate(cs):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out += ["%s/%d-0" % (guid, i + 1), "%s --> %s" % (ts(a), ts(b)), "<v %s>%s</v>" % (who, text), ""]
    return "\n".join(out) + "\n", end


def render_plain(rnd, call):
    out = []
    otter = rnd.random() < 0.5
    for who, text, a, _ in cues(rnd, call, 60)[0]:
        if otter:
            m = a // 1000
            stamp = "%d:%02d:%02d" % (m // 3600, m // 60 % 60, m % 60) if m >= 3600 else "%d:%02d" % (m // 60, m % 60)
            out += ["%s  %s" % (who, stamp), text, ""]
        else:
            out.append("[%s] %s: %s" % (clock(a), who, text))
    return "\n".join(out) + "\n"


def generate(outdir, ndeals, per_deal, big_mib):
    import datetime
    rnd = random.Random(SEED)
    cdir = os.path.join(outdir, "corpus")
    os.makedirs(cdir, exist_ok=True)
    manifest = []
    total = 0
    for di in range(ndeals):
        deal = Deal(rnd, di)
        ddir = os.path.join(cdir, "deal-%03d" % (di + 1))
        os.makedirs(ddir, exist_ok=True)
        day = datetime.date(2026, 1, 5) + datetime.timedelta(days=rnd.randint(0, 60))
        for k in range(1, per_deal + 1):
            call = make_call(rnd, deal, k)
            r = rnd.random()
            hour = rnd.randint(13, 21)
            if r < 0.5:
                fmt = "zoom-vtt"
                name = "GMT%s-%02d0000_Recording.transcript.vtt" % (day.strftime("%Y%m%d"), hour)
                data = render_zoom(rnd, call)
            elif r < 0.85:
                fmt = "teams-vtt"
                name = "call-%02d.vtt" % k
                data = render_teams(rnd, call)[0]
            else:
                fmt = "plain"
                name = "call-%02d.txt" % k
                data = render_plain(rnd, call)
            rel = "deal-%03d/%s" % (di + 1, name)
            with open(os.path.join(cdir, rel), "w", encoding="utf-8", newline="\n") as f:
                f.write(data)
            total += len(data.encode("utf-8"))
            manifest.append("\t".join([rel, "Deal %03d %s" % (di + 1, deal.buyer_org), day.isoformat(),
                                       ",".join(deal.sellers), deal.seller_org, deal.buyer_org, fmt,
                                       str(call.words)]))
            day += datetime.timedelta(days=rnd.randint(5, 16))
    with open(os.path.join(cdir, "manifest.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# path\tdeal\tdate\tsellers\tseller_org\tbuyer_org\tformat\twords\n")
        f.write("\n".join(manifest) + "\n")
    # one long recording of one team, just under the input cap
    cast_deal = Deal(rnd, 1)
    cast = (cast_deal.sellers, cast_deal.buyers, cast_deal.absent)
    cap = int(big_mib * 1024 * 1024)
    path = os.path.join(outdir, "big.vtt")
    size, t0, k = 0, 0, 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("WEBVTT\n\n")
        size = 8
        while True:
            k += 1
            part, t0 = render_teams(rnd, make_call(rnd, Deal(rnd, k % len(SELLERS), cast), 2), t0, header=False)
            b = len(part.encode("utf-8"))
            if size + b > cap:
                break
            f.write(part)
            size += b
    return total, len(manifest), size


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.stderr.write(__doc__)
        return 2
    outdir = args[0]
    opts = {"--deals": "50", "--calls-per-deal": "10", "--big-mib": "63.5"}
    i = 1
    while i < len(args):
        if args[i] not in opts or i + 1 >= len(args):
            sys.stderr.write("gen_corpus.py: unknown option %s\n" % args[i])
            return 2
        opts[args[i]] = args[i + 1]
        i += 2
    with open(os.path.abspath(__file__), "rb") as f:
        key = hashlib.sha256(f.read() + repr(sorted(opts.items())).encode()).hexdigest()
    stamp = os.path.join(outdir, "corpus.stamp")
    try:
        with open(stamp) as f:
            if f.read().strip() == key:
                print("corpus: up to date (%s)" % key[:12])
                return 0
    except OSError:
        pass
    os.makedirs(outdir, exist_ok=True)
    if os.path.exists(stamp):
        os.remove(stamp)
    import shutil
    shutil.rmtree(os.path.join(outdir, "corpus"), ignore_errors=True)
    total, n, big = generate(outdir, int(opts["--deals"]), int(opts["--calls-per-deal"]), float(opts["--big-mib"]))
    with open(stamp, "w") as f:
        f.write(key + "\n")
    print("corpus: %d calls, %.1f MB; big.vtt %.1f MiB (%s)" % (n, total / 1e6, big / 1048576, key[:12]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
