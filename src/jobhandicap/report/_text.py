"""Every text of the report, in English and Danish (private to :mod:`jobhandicap.report`).

One table, :data:`TEXTS`, holds every heading, caption, note and label the report shows, as
``key: (English, Danish)``; ``{}`` fields are filled in by :func:`text`. Column headers are keys
``col:<column>`` and labels of values that are not enum members are keys ``val:<column>:<value>``;
:func:`column_label` and :func:`value_label` look them up, with the Danish labels of the
schemes, target groups, decisions, strategy types and answers taken from :mod:`jobhandicap.domain`.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Mapping
from importlib import resources
from typing import Any, Final, Literal

from jobhandicap.domain import (
    CompensationScheme,
    Decision,
    KeyPersonModel,
    Likert,
    StrategyType,
    TargetGroup,
)

Lang = Literal["en", "da"]

#: Every text of the report: ``key: (English, Danish)``.
TEXTS: Final[Mapping[str, tuple[str, str]]] = {
    # ---------------------------------------------------------------- the page
    "title": (
        "Disability employment indicators",
        "Indikatorer for beskæftigelse af personer med handicap",
    ),
    "generated": ("Generated {when}", "Dannet {when}"),
    "intro": (
        "Made with jobhandicap {version} from the data listed under Provenance. Every estimate "
        "is shown with its base (n) and a 95 % confidence interval; each section ends with a "
        "note on its method.",
        "Lavet med jobhandicap {version} ud fra de data, der er nævnt under Datagrundlag. Hvert "
        "estimat vises med sit grundlag (n) og et 95 %-konfidensinterval; hvert afsnit slutter "
        "med en note om metoden.",
    ),
    "contents": ("Contents", "Indhold"),
    "suppression_on": (
        "Small cells are protected. “{marker}” marks a count of fewer than {threshold} persons "
        "or cases. “{secondary}” marks a cell hidden to protect such a count (so that it cannot "
        "be worked out from totals published anywhere in this report) or computed from a "
        "hidden count (a share, rate, interval, median or amount). All tables were protected "
        "together and checked by an audit that tries to recover every hidden count from "
        "everything published; the exported tables are the same.",
        "Små celler er beskyttet. “{marker}” markerer et antal under {threshold} personer eller "
        "sager. “{secondary}” markerer en celle, der er skjult for at beskytte et sådant antal "
        "(så det ikke kan regnes ud fra totaler offentliggjort andre steder i rapporten), "
        "eller som er beregnet ud fra et skjult antal (en andel, rate, et interval, en median "
        "eller et beløb). Alle tabeller er beskyttet samlet og kontrolleret af en revision, "
        "der forsøger at genskabe hvert skjult antal ud fra alt det offentliggjorte; de "
        "eksporterede tabeller er de samme.",
    ),
    "legend": (
        "Hidden cells: “{marker}” is a count of fewer than {threshold} persons or cases; "
        "“{secondary}” is hidden to protect such a count, or computed from a hidden count.",
        "Skjulte celler: “{marker}” er et antal under {threshold} personer eller sager; "
        "“{secondary}” er skjult for at beskytte et sådant antal eller beregnet ud fra et skjult "
        "antal.",
    ),
    "legend_small": (
        "a count of fewer than {threshold} persons or cases",
        "et antal under {threshold} personer eller sager",
    ),
    "legend_secondary": (
        "hidden to protect a small count, or computed from a hidden count",
        "skjult for at beskytte et lille antal, eller beregnet ud fra et skjult antal",
    ),
    "legend_col_marker": ("marker", "markering"),
    "legend_col_meaning": ("meaning", "betydning"),
    "legend_shares": (
        "shares, rates and their intervals are fractions from 0 to 1, rounded to 3 decimals "
        "(0.357 is 35.7 %); the workbook shows them as percentages",
        "andele, rater og deres intervaller er brøker fra 0 til 1, afrundet til 3 decimaler "
        "(0,357 er 35,7 %); regnearket viser dem som procenter",
    ),
    "legend_counts": (
        "counts of persons, cases and jobcentres, and amounts in kroner, are whole numbers",
        "antal personer, sager og jobcentre samt beløb i kroner er hele tal",
    ),
    "suppression_off": (
        "Small-cell suppression is OFF (suppress=False): counts of fewer than {threshold} "
        "persons or cases are shown. For internal use only — do not publish this report or "
        "its tables.",
        "Diskretionering af små celler er SLÅET FRA (suppress=False): antal under {threshold} "
        "personer eller sager vises. Kun til internt brug — rapporten og dens tabeller må "
        "ikke offentliggøres.",
    ),
    "no_figures": (
        'Figures are not included: they need matplotlib (pip install "jobhandicap[plot]").',
        'Figurerne er ikke med: de kræver matplotlib (pip install "jobhandicap[plot]").',
    ),
    "workbook": (
        "Every table is also a CSV file in the folder tables/ and a sheet of the workbook "
        "tables.xlsx.",
        "Alle tabeller findes også som CSV-filer i mappen tables/ og som ark i "
        "regnearket tables.xlsx.",
    ),
    "no_workbook": (
        "Every table is also a CSV file in the folder tables/. The workbook tables.xlsx was not "
        'written: it needs openpyxl (pip install "jobhandicap[excel]").',
        "Alle tabeller findes også som CSV-filer i mappen tables/. Regnearket tables.xlsx blev "
        'ikke skrevet: det kræver openpyxl (pip install "jobhandicap[excel]").',
    ),
    "csv_format": (
        "The CSV files are UTF-8, comma-separated, with a decimal point and the canonical "
        "column names and values. Shares, rates and their intervals are fractions from 0 to 1 "
        "with 3 decimals (0.357 is 35.7 %); counts and amounts in kroner are whole numbers. The "
        "workbook shows shares as percentages.",
        "CSV-filerne er UTF-8, semikolonseparerede, med decimalkomma og danske overskrifter og "
        "betegnelser. Andele, rater og deres intervaller er brøker fra 0 til 1 med 3 decimaler "
        "(0,357 er 35,7 %); antal og beløb i kroner er hele tal. Regnearket viser andele som "
        "procenter.",
    ),
    "synthetic": (
        "Synthetic data: this report was made from the example data bundled with jobhandicap, "
        "simulated to look like the real studies. The jobcentres' names are real, but every "
        "number about them is invented; do not quote these figures as facts.",
        "Syntetiske data: rapporten er lavet ud fra de eksempeldata, der følger med "
        "jobhandicap, og som er simuleret, så de ligner de rigtige undersøgelser. Jobcentrenes "
        "navne er rigtige, men alle tal om dem er opdigtede; citér ikke tallene som fakta.",
    ),
    "not_included": ("Not included", "Ikke med"),
    "file": ("File", "Fil"),
    "show_rows": ("Show all {n} rows", "Vis alle {n} rækker"),
    "method": ("Method", "Metode"),
    "note": ("Note", "Bemærk"),
    "figure_failed": (
        "The figure could not be drawn: {reason}",
        "Figuren kunne ikke tegnes: {reason}",
    ),
    "table_failed": (
        "{what} could not be computed: {reason}",
        "{what} kunne ikke beregnes: {reason}",
    ),
    "warning_small_sample": (
        "Some estimates of this section rest on small bases; their intervals are wide.",
        "Nogle skøn i dette afsnit hviler på små grundlag; deres intervaller er brede.",
    ),
    "warning_data_quality": (
        "The data weaken some estimates of this section (for example respondents that could "
        "not be paired across waves, or a scale item every respondent answered alike); the "
        "same analysis run in Python says which.",
        "Data svækker nogle skøn i dette afsnit (for eksempel besvarelser, der ikke kunne "
        "parres mellem runderne, eller et spørgsmål, som alle besvarede ens); den samme "
        "analyse kørt i Python siger hvilke.",
    ),
    "points": ("pp", "%-point"),
    "usage_no_amounts": (
        "no granted application has an amount: the case data have no amount column (beløb), "
        "or its header was not recognised (the command's warnings and jobhandicap validate "
        "name the columns that were ignored)",
        "ingen bevilget ansøgning har et beløb: sagsdata har ingen beløbskolonne, eller dens "
        "overskrift blev ikke genkendt (kommandoens advarsler og jobhandicap validate nævner "
        "de kolonner, der blev set bort fra)",
    ),
    "no_input": ("no {kinds} data were given", "der er ikke givet data om {kinds}"),
    "and": ("and", "og"),
    "ci": ("95 % CI {low} to {high}", "95 %-KI {low} til {high}"),
    # ---------------------------------------------------------------- input kinds
    "kind:cases": ("cases", "sager"),
    "kind:survey": ("jobcentre survey", "jobcenterundersøgelse"),
    "kind:staff": ("staff survey", "medarbejderundersøgelse"),
    "kind:profiles": ("organisational profiles", "organisationsprofiler"),
    "kind:population": ("population", "befolkning"),
    "kind:outcomes": ("outcomes", "resultater"),
    "kind:people": ("people", "personer"),
    # ---------------------------------------------------------------- survey
    "survey": ("Jobcentre survey", "Jobcenterundersøgelsen"),
    "survey_lead": (
        "The share of jobcentres answering “to a high degree” or “to a very high degree” "
        "(the top-2 box) for each item and wave, with the interval for the population of "
        "jobcentres and the bounds that hold whatever the non-respondents would have answered.",
        "Andelen af jobcentre, der svarer “i høj grad” eller “i meget høj grad” (top-2), for "
        "hvert spørgsmål og hver runde, med intervallet for populationen af jobcentre og de "
        "grænser, der gælder, uanset hvad de jobcentre, der ikke svarede, ville have svaret.",
    ),
    "survey_change": (
        "{item}: {later_share} in {later} against {earlier_share} in {earlier}; among the {n} "
        "jobcentres that answered both waves the share changed by {difference} percentage "
        "points ({ci}).",
        "{item}: {later_share} i {later} mod {earlier_share} i {earlier}; blandt de {n} "
        "jobcentre, der svarede begge år, ændrede andelen sig med {difference} procentpoint "
        "({ci}).",
    ),
    "survey_top_box": ("Top-2 box by wave and item", "Top-2 efter runde og spørgsmål"),
    "survey_wave_change": (
        "Change in the top-2 share from {earlier} to {later}",
        "Ændring i top-2-andelen fra {earlier} til {later}",
    ),
    "survey_distribution": (
        "Distribution of the answers to the main items",
        "Fordeling af svarene på hovedspørgsmålene",
    ),
    "survey_fig_likert": (
        "Distribution of the answers to the main items, by wave.",
        "Fordeling af svarene på hovedspørgsmålene efter runde.",
    ),
    "survey_fig_top_box": (
        "Top-2 share of the main items with its 95 % interval, by wave.",
        "Top-2-andelen for hovedspørgsmålene med 95 %-interval efter runde.",
    ),
    "survey_one_wave": (
        "The change between waves needs two waves; the data hold one.",
        "Ændringen mellem runder kræver to runder; data indeholder én.",
    ),
    "survey_no_population": (
        "The number of jobcentres could not be taken from the reference tables ({reason}); "
        "the intervals are for an infinite population and there are no nonresponse bounds.",
        "Antallet af jobcentre kunne ikke hentes fra referencetabellerne ({reason}); "
        "intervallerne gælder en uendelig population, og der er ingen grænser for "
        "manglende svar.",
    ),
    "survey_method": (
        "Shares: Wilson score interval. The number of jobcentres N in each wave's year (from "
        "the reference tables) gives the finite-population interval — Wilson with "
        "n* = n(N − 1)/(N − n), valid if the non-respondents are like the respondents — and "
        "the nonresponse bounds [x/N, (x + N − n)/N], which assume nothing about them. "
        "“Don't know” stays in the base and is reported as its own share. Change between "
        "waves: Newcombe's paired interval and the exact McNemar test on the jobcentres that "
        "answered both waves, with the independent-samples comparison (Newcombe's hybrid "
        "score interval) beside it. The survey's units are jobcentres, not persons, so its "
        "counts are not suppressed.",
        "Andele: Wilsons score-interval. Antallet af jobcentre N i rundens år (fra "
        "referencetabellerne) giver intervallet for en endelig population — Wilson med "
        "n* = n(N − 1)/(N − n), gyldigt hvis de jobcentre, der ikke svarede, ligner dem, der "
        "svarede — og grænserne for manglende svar [x/N, (x + N − n)/N], som ikke antager "
        "noget om dem. “Ved ikke” indgår i grundlaget og vises som sin egen andel. Ændring "
        "mellem runder: Newcombes parrede interval og den eksakte McNemar-test for de "
        "jobcentre, der svarede begge år, med sammenligningen af uafhængige stikprøver "
        "(Newcombes hybride score-interval) ved siden af. Undersøgelsens enheder er "
        "jobcentre, ikke personer, så dens antal diskretioneres ikke.",
    ),
    # ---------------------------------------------------------------- staff
    "staff": ("Staff survey", "Medarbejderundersøgelsen"),
    "staff_lead": (
        "Scales built from the caseworkers' answers ({scales}): their reliability, how they "
        "go together, and their means by the strategy type of the caseworker's jobcentre.",
        "Skalaer dannet af sagsbehandlernes svar ({scales}): deres reliabilitet, deres "
        "sammenhæng og deres gennemsnit efter strategitypen i sagsbehandlerens jobcenter.",
    ),
    "staff_summary": (
        "{x} and {y} go together with r = {r} ({ci}, bootstrap over {clusters} jobcentres).",
        "{x} og {y} hænger sammen med r = {r} ({ci}, bootstrap over {clusters} jobcentre).",
    ),
    "staff_scores": ("The staff's scale scores", "Medarbejdernes skalascorer"),
    "staff_scales": ("Reliability of the scales", "Skalaernes reliabilitet"),
    "staff_association": (
        "Association between {x} and {y}",
        "Sammenhæng mellem {x} og {y}",
    ),
    "staff_by_strategy": (
        "Scale means by the jobcentre's strategy type",
        "Skalagennemsnit efter jobcentrets strategitype",
    ),
    "staff_no_items": (
        "none of the scales' items are in the staff data (scales: {scales})",
        "ingen af skalaernes spørgsmål findes i medarbejderdata (skalaer: {scales})",
    ),
    "staff_scale_left_out": (
        "Scale {scale} is left out: its item(s) {items} are not in the staff data.",
        "Skalaen {scale} er udeladt: spørgsmålet/spørgsmålene {items} findes ikke i "
        "medarbejderdata.",
    ),
    "staff_no_strategy": (
        "The means by strategy type need the organisational profiles of the staff's jobcentres.",
        "Gennemsnittene efter strategitype kræver organisationsprofiler for medarbejdernes "
        "jobcentre.",
    ),
    "staff_method": (
        "A scale score is the mean of the answered items (reversed items scored "
        "minimum + maximum − x) when at least half of them are answered. Cronbach's α "
        "(listwise) with Feldt's interval; McDonald's ω from a one-factor maximum-likelihood "
        "model. Correlation: Pearson's r with a percentile cluster bootstrap that resamples "
        "whole jobcentres ({n_boot} resamples, seed {seed}); means by strategy type with the "
        "same cluster bootstrap. The strategy type comes from organisational inputs only, "
        "never from staff answers.",
        "En skalascore er gennemsnittet af de besvarede spørgsmål (omvendte spørgsmål "
        "scoret minimum + maksimum − x), når mindst halvdelen er besvaret. Cronbachs α "
        "(kun fuldstændige besvarelser) med Feldts interval; McDonalds ω fra en "
        "én-faktor-model estimeret med maximum likelihood. Korrelation: Pearsons r med en "
        "percentil-klyngebootstrap, der trækker hele jobcentre ({n_boot} gentagelser, seed "
        "{seed}); gennemsnit efter strategitype med samme klyngebootstrap. Strategitypen "
        "bygger kun på organisatoriske oplysninger, aldrig på medarbejdernes svar.",
    ),
    # ---------------------------------------------------------------- cases
    "cases": ("Processing time and grant rates", "Sagsbehandlingstid og bevillingsandel"),
    "cases_lead": (
        "The time from application to decision, with applications still open on the "
        "extraction date ({extracted}) counted as not decided yet, and the share of decided "
        "applications that were granted.",
        "Tiden fra ansøgning til afgørelse, hvor ansøgninger, der stadig var åbne på "
        "udtræksdatoen ({extracted}), tæller som endnu ikke afgjort, og andelen af de afgjorte "
        "ansøgninger, der blev bevilget.",
    ),
    "cases_summary": (
        "The median processing time was {first} days for applications made in {first_year} "
        "and {last} days for those made in {last_year}.",
        "Den mediane sagsbehandlingstid var {first} dage for ansøgninger fra {first_year} og "
        "{last} dage for ansøgninger fra {last_year}.",
    ),
    "processing_time": (
        "Processing time by year of application (days)",
        "Sagsbehandlingstid efter ansøgningsår (dage)",
    ),
    "grant_rate": ("Grant rate by scheme", "Bevillingsandel efter ordning"),
    "cases_fig": (
        "Share of applications not yet decided, by days since application and year of "
        "application: the quartiles of the table (Kaplan–Meier), without the curve's daily "
        "steps, which would show how many cases were decided each day.",
        "Andel af ansøgningerne, der endnu ikke er afgjort, efter dage siden ansøgning og "
        "ansøgningsår: tabellens kvartiler (Kaplan–Meier), uden kurvens daglige trin, som "
        "ville vise, hvor mange sager der blev afgjort hver dag.",
    ),
    "cases_method": (
        "Kaplan–Meier estimate of the share not yet decided, Ŝ(t) = Π(1 − dᵢ/nᵢ), with open "
        "cases censored at the extraction date; withdrawn applications are left out (counted "
        "in “withdrawn”). Quantiles are the first t with 1 − Ŝ(t) ≥ p, with "
        "Brookmeyer–Crowley intervals from the log-log band (∞ when the band never reaches "
        "p). Grant rate: granted ÷ (granted + refused) with a Wilson interval; open and "
        "withdrawn applications are left out.",
        "Kaplan–Meier-estimat af andelen, der endnu ikke er afgjort, Ŝ(t) = Π(1 − dᵢ/nᵢ), hvor "
        "åbne sager censureres på udtræksdatoen; tilbagetrukne ansøgninger er udeladt (talt "
        "i “tilbagetrukket”). Kvantiler er det første t med 1 − Ŝ(t) ≥ p, med "
        "Brookmeyer–Crowley-intervaller fra log-log-båndet (∞ når båndet aldrig når p). "
        "Bevillingsandel: bevilget ÷ (bevilget + afslået) med Wilson-interval; åbne og "
        "tilbagetrukne ansøgninger er udeladt.",
    ),
    # ---------------------------------------------------------------- usage
    "usage": ("Use of the schemes and expenditure", "Brug af ordningerne og udgifter"),
    "usage_lead": (
        "Granted applications by scheme, the schemes' shares of the granted amount, grants "
        "per 10,000 residents aged 16–64 in each jobcentre's area, and how many benefit target "
        "groups the grants reach.",
        "Bevilgede ansøgninger efter ordning, ordningernes andele af det bevilgede beløb, "
        "bevillinger pr. 10.000 indbyggere på 16–64 år i hvert jobcenters område og hvor "
        "mange ydelsesgrupper bevillingerne når.",
    ),
    "usage_summary": (
        "Personal assistance accounts for {share} of the granted amount ({amount} of {total} "
        "DKK).",
        "Personlig assistance udgør {share} af det bevilgede beløb ({amount} af {total} kr.).",
    ),
    "scheme_usage": ("Granted applications by year and scheme", "Bevillinger efter år og ordning"),
    "expenditure_shares": (
        "Share of the granted amount by scheme",
        "Andel af det bevilgede beløb efter ordning",
    ),
    "rates_per_population": (
        "Granted applications per 10,000 residents aged 16–64, by jobcentre and year",
        "Bevillinger pr. 10.000 indbyggere på 16–64 år efter jobcenter og år",
    ),
    "target_group_coverage": (
        "Benefit target groups among the granted applications, by jobcentre and year",
        "Ydelsesgrupper blandt de bevilgede ansøgninger efter jobcenter og år",
    ),
    "usage_no_population": (
        "Rates per resident need the population data.",
        "Rater pr. indbygger kræver befolkningsdata.",
    ),
    "usage_fig": (
        "Share of the granted amount by scheme.",
        "Andel af det bevilgede beløb efter ordning.",
    ),
    "usage_method": (
        "Register data are a census of the applications, so counts and shares carry no "
        "sampling interval. Shares of the amount: each scheme's sum of granted amounts ÷ the "
        "sum over all schemes (grants without a known amount are left out of the amounts and "
        "counted in “cases_with_amount”). Rates: x granted applications per P residents "
        "aged 16–64 × 10,000, with the exact Poisson (Garwood) interval; a jobcentre's "
        "residents are those of the municipalities it serves mid-year. Target groups: the "
        "number of distinct benefit groups among a jobcentre's grants.",
        "Registerdata er en totaltælling af ansøgningerne, så antal og andele har intet "
        "stikprøveinterval. Andele af beløbet: hver ordnings sum af bevilgede beløb ÷ summen "
        "over alle ordninger (bevillinger uden kendt beløb indgår ikke i beløbene og tælles "
        "i “cases_with_amount”). Rater: x bevillinger pr. P indbyggere på 16–64 år × 10.000 "
        "med det eksakte Poisson-interval (Garwood); et jobcenters indbyggere er indbyggerne "
        "i de kommuner, det betjener midt på året. Ydelsesgrupper: antallet af forskellige "
        "ydelsesgrupper blandt et jobcenters bevillinger.",
    ),
    # ---------------------------------------------------------------- strategy
    "strategy": ("Proactive-strategy typology", "Typologi for proaktiv strategi"),
    "strategy_lead": (
        "A composite score of the jobcentres' organisational inputs (political focus, "
        "management priority, written strategy, key-person model, employer outreach, staff "
        "training, target groups covered, screening at intake, external collaboration), the "
        "strategy type it gives, and how much the ranks depend on the choices behind the "
        "score.",
        "En samlet score for jobcentrenes organisatoriske forhold (politisk fokus, ledelsens "
        "prioritering, skriftlig strategi, nøglepersonmodel, virksomhedskontakt, "
        "medarbejderuddannelse, dækkede ydelsesgrupper, screening ved start, eksternt "
        "samarbejde), den strategitype, den giver, og hvor meget placeringerne afhænger af "
        "valgene bag scoren.",
    ),
    "strategy_summary": (
        "{proactive} jobcentres are proactive, {diffuse} diffuse and {reactive} reactive.",
        "{proactive} jobcentre er proaktive, {diffuse} diffuse og {reactive} reaktive.",
    ),
    "strategy_unscored": (
        "{unscored} have too few indicators for a score.",
        "{unscored} har for få indikatorer til en score.",
    ),
    "strategy_scores": (
        "Strategy score and type by jobcentre",
        "Strategiscore og -type efter jobcenter",
    ),
    "strategy_sensitivity": (
        "Sensitivity of the ranks ({draws} Monte Carlo specifications)",
        "Placeringernes følsomhed ({draws} Monte Carlo-specifikationer)",
    ),
    "strategy_fig": (
        "Strategy score by jobcentre, with the 5–95 % band of its rank over {draws} "
        "specifications.",
        "Strategiscore efter jobcenter med 5–95 %-båndet for placeringen over {draws} "
        "specifikationer.",
    ),
    "strategy_method": (
        "The default specification (jobhandicap.strategy.DEFAULT_SPEC): each indicator "
        "normalised to 0–100 between its goalposts, weighted and averaged over the indicators "
        "present; scores of at least 60 are proactive, below 40 reactive, the rest diffuse. "
        "Outcomes are never part of the score. Sensitivity: {draws} specifications drawn with "
        "seed {seed} — weights multiplied by 1 + U(−0.25, 0.25), three normalisations "
        "(goalposts, min–max, rank) and two aggregations (arithmetic, geometric) — each "
        "jobcentre's rank quantiles and the share of specifications giving each type.",
        "Standardspecifikationen (jobhandicap.strategy.DEFAULT_SPEC): hver indikator "
        "normaliseret til 0–100 mellem sine målepæle, vægtet og gennemsnittet taget over de "
        "indikatorer, der findes; scorer på mindst 60 er proaktive, under 40 reaktive, resten "
        "diffuse. Resultater indgår aldrig i scoren. Følsomhed: {draws} specifikationer "
        "trukket med seed {seed} — vægte ganget med 1 + U(−0,25; 0,25), tre normaliseringer "
        "(målepæle, min–maks, rang) og to aggregeringer (aritmetisk, geometrisk) — hvert "
        "jobcenters rangkvantiler og andelen af specifikationer, der giver hver type.",
    ),
    # ---------------------------------------------------------------- benchmarking
    "benchmark": ("Benchmarking jobcentres", "Sammenligning af jobcentre"),
    "benchmark_lead": (
        "Job entry of persons with a disability in the target groups, {year}: each "
        "jobcentre's rate against funnel limits around the national rate, the jobcentres "
        "doing better than chance allows, and the rates by strategy type.",
        "Jobstart for personer med handicap i målgrupperne, {year}: hvert jobcenters rate "
        "sammenholdt med tragtgrænser omkring landsgennemsnittet, de jobcentre, der klarer "
        "sig bedre, end tilfældet kan forklare, og raterne efter strategitype.",
    ),
    "benchmark_summary": (
        "{above} jobcentres lie above and {below} below the 99.8 % limits; {deviants} are "
        "positive deviants.",
        "{above} jobcentre ligger over og {below} under 99,8 %-grænserne; {deviants} er "
        "positive afvigere.",
    ),
    "funnel": ("Job entry by jobcentre, {year}", "Jobstart efter jobcenter, {year}"),
    "funnel_overdispersed": (
        "The rates vary more between jobcentres than chance allows (overdispersion φ̂ = {phi}, "
        "{p}), so the funnel limits include that variation (Spiegelhalter's random-effects "
        "limits): a jobcentre outside them differs from the others by more than jobcentres "
        "usually do.",
        "Raterne varierer mere mellem jobcentrene, end tilfældet kan forklare (overspredning "
        "φ̂ = {phi}, {p}), så tragtgrænserne rummer den variation (Spiegelhalters "
        "random effects-grænser): et jobcenter uden for dem adskiller sig mere fra de andre, "
        "end jobcentre plejer.",
    ),
    "funnel_not_overdispersed": (
        "The rates vary between jobcentres about as much as chance allows (overdispersion "
        "φ̂ = {phi}, {p}), so the funnel limits are exact binomial limits.",
        "Raterne varierer mellem jobcentrene omtrent så meget, som tilfældet kan forklare "
        "(overspredning φ̂ = {phi}, {p}), så tragtgrænserne er eksakte binomiale grænser.",
    ),
    "best_practice": (
        "Positive deviants and strategy type, {year}",
        "Positive afvigere og strategitype, {year}",
    ),
    "outcomes_by_strategy": (
        "Job-entry rate by strategy type, against reactive jobcentres",
        "Jobstartrate efter strategitype sammenlignet med reaktive jobcentre",
    ),
    "benchmark_no_persons": (
        "{count} jobcentre(s) with no persons in {year} are left out: a rate needs persons.",
        "{count} jobcenter(e) uden personer i {year} er udeladt: en rate kræver personer.",
    ),
    "benchmark_no_profiles": (
        "Best practice and the comparison by strategy type need the organisational profiles.",
        "Bedste praksis og sammenligningen efter strategitype kræver organisationsprofiler.",
    ),
    "benchmark_fig": (
        "Job-entry rate against the number of persons, {year}, with 95 % and 99.8 % limits "
        "around the national rate.",
        "Jobstartrate mod antal personer, {year}, med 95 %- og 99,8 %-grænser omkring "
        "landsgennemsnittet.",
    ),
    "benchmark_method": (
        "Funnel limits around the pooled rate at each jobcentre's number of persons "
        "(Spiegelhalter 2005): exact binomial limits, or — when the test for overdispersion "
        "(N·φ̂ against χ² with N − 1 degrees of freedom) gives p < 0.05 — random-effects "
        "limits on the arcsine scale widened by the between-jobcentre variance τ̂²; Wilson "
        "interval for each rate. Positive deviants: the empirical-Bayes (shrunk) rate lies "
        "above the upper 95 % limit. By "
        "strategy type: difference of the mean jobcentre rates, Welch interval and a "
        "percentile bootstrap ({n_boot} resamples, seed {seed}), Hedges' g; each jobcentre "
        "counts once, and jobcentres whose rate is suppressed are left out.",
        "Tragtgrænser omkring den samlede rate ved hvert jobcenters antal personer "
        "(Spiegelhalter 2005): eksakte binomiale grænser, eller — når testen for "
        "overspredning (N·φ̂ mod χ² med N − 1 frihedsgrader) giver p < 0,05 — "
        "random effects-grænser på arcsin-skalaen udvidet med variansen mellem jobcentrene "
        "τ̂²; Wilson-interval for hver rate. Positive afvigere: den empirisk-bayesianske "
        "(krympede) rate ligger over den øvre 95 %-grænse. Efter strategitype: forskellen "
        "mellem jobcentrenes gennemsnitlige rater, Welch-interval og percentil-bootstrap "
        "({n_boot} gentagelser, seed {seed}), Hedges' g; hvert jobcenter tæller én gang, og "
        "jobcentre, hvis rate er undertrykt, er udeladt.",
    ),
    # ---------------------------------------------------------------- employment gap
    "gap": ("Disability employment gap", "Beskæftigelsesgabet"),
    "gap_lead": (
        "The employment rate of people aged 20–64 without an activity limitation minus that "
        "of people with one (Eurostat's definition, from the GALI question), in percentage "
        "points.",
        "Beskæftigelsesfrekvensen for 20–64-årige uden en aktivitetsbegrænsning minus den for "
        "personer med en (Eurostats definition ud fra GALI-spørgsmålet), i procentpoint.",
    ),
    "gap_summary": (
        "{rate_disabled} of people with a limitation are employed against "
        "{rate_not_disabled} of people without: a gap of {gap} percentage points ({ci}).",
        "{rate_disabled} af personerne med en begrænsning er i beskæftigelse mod "
        "{rate_not_disabled} af dem uden: et gab på {gap} procentpoint ({ci}).",
    ),
    "employment_gap": (
        "Employment gap by level of limitation (Eurostat definition)",
        "Beskæftigelsesgab efter grad af begrænsning (Eurostats definition)",
    ),
    "gap_method": (
        "Weighted employment rates p = Σwe/Σw; gap = p(not limited) − p(limited); relative "
        "rate = p(limited) ÷ p(not limited). Interval: Newcombe's hybrid score interval with "
        "Wilson limits at Kish's effective sample sizes (Σw)²/Σw²; it allows for unequal "
        "weights, not for clustering. Not comparable with Danish national figures based on "
        "self-rated disability.",
        "Vægtede beskæftigelsesfrekvenser p = Σwe/Σw; gab = p(ikke begrænset) − "
        "p(begrænset); relativ frekvens = p(begrænset) ÷ p(ikke begrænset). Interval: "
        "Newcombes hybride score-interval med Wilson-grænser ved Kishs effektive "
        "stikprøvestørrelser (Σw)²/Σw²; det tager højde for ulige vægte, ikke for klynger. "
        "Kan ikke sammenlignes med danske nationale tal, der bygger på selvvurderet handicap.",
    ),
    # ---------------------------------------------------------------- provenance
    "provenance": ("Provenance", "Datagrundlag"),
    "provenance_lead": (
        "What this report was made from and how, so that a figure can be traced and made "
        "again: run build_report with the same inputs and options.",
        "Hvad rapporten er lavet ud fra og hvordan, så et tal kan spores og laves igen: kør "
        "build_report med de samme data og indstillinger.",
    ),
    "software": ("Software", "Software"),
    "inputs": ("Inputs", "Data"),
    "options": ("Options and seeds", "Indstillinger og seeds"),
    "example_data": (
        "the bundled example data (jobhandicap.datasets.load_example)",
        "de medfølgende eksempeldata (jobhandicap.datasets.load_example)",
    ),
    "frame_given": ("table given in Python", "tabel givet i Python"),
    "sha_note": (
        "SHA-256 is of the file as read, or, for a table given in Python, of its canonical "
        "CSV text (UTF-8, comma-separated, no index).",
        "SHA-256 er beregnet af filen, som den blev læst, eller — for en tabel givet i Python "
        "— af dens kanoniske CSV-tekst (UTF-8, kommasepareret, uden indeks).",
    ),
    # ---------------------------------------------------------------- column headers
    "col:kind": ("Data", "Data"),
    "col:source": ("Source", "Kilde"),
    "col:sha256": ("SHA-256", "SHA-256"),
    "col:rows": ("Rows", "Rækker"),
    "col:option": ("Option", "Indstilling"),
    "col:value": ("Value", "Værdi"),
    "col:package": ("Package", "Pakke"),
    "col:version": ("Version", "Version"),
    "col:n": ("n", "n"),
    "col:count": ("Count", "Antal"),
    "col:share": ("Share", "Andel"),
    "col:ci_low": ("95 % CI low", "95 %-KI nedre"),
    "col:ci_high": ("95 % CI high", "95 %-KI øvre"),
    "col:wave": ("Wave", "Runde"),
    "col:item": ("Item", "Spørgsmål"),
    "col:dont_know_share": ("Don't know", "Ved ikke"),
    "col:population": ("Population", "Population"),
    "col:response_rate": ("Response rate", "Svarprocent"),
    "col:bound_low": ("Bound low", "Nedre grænse"),
    "col:bound_high": ("Bound high", "Øvre grænse"),
    "col:earlier_wave": ("From", "Fra"),
    "col:later_wave": ("To", "Til"),
    "col:n_earlier": ("n (from)", "n (fra)"),
    "col:n_later": ("n (to)", "n (til)"),
    "col:earlier_share": ("Share (from)", "Andel (fra)"),
    "col:later_share": ("Share (to)", "Andel (til)"),
    "col:difference": ("Difference", "Forskel"),
    "col:method": ("Method", "Metode"),
    "col:n_paired": ("n paired", "n parret"),
    "col:p_value": ("p", "p"),
    "col:independent_difference": ("Difference (independent)", "Forskel (uafhængig)"),
    "col:independent_ci_low": ("CI low (independent)", "KI nedre (uafhængig)"),
    "col:independent_ci_high": ("CI high (independent)", "KI øvre (uafhængig)"),
    "col:answer": ("Code", "Kode"),
    "col:label": ("Answer", "Svar"),
    "col:scale": ("Scale", "Skala"),
    "col:alpha": ("α", "α"),
    "col:omega": ("ω", "ω"),
    "col:items": ("Items", "Spørgsmål"),
    "col:x": ("x", "x"),
    "col:y": ("y", "y"),
    "col:r": ("r", "r"),
    "col:interval": ("Interval", "Interval"),
    "col:clusters": ("Jobcentres", "Jobcentre"),
    "col:strategy": ("Strategy type", "Strategitype"),
    "col:mean": ("Mean", "Gennemsnit"),
    "col:sd": ("SD", "SD"),
    "col:year": ("Year", "År"),
    "col:decided": ("Decided", "Afgjort"),
    "col:open": ("Open", "Åben"),
    "col:withdrawn": ("Withdrawn", "Tilbagetrukket"),
    "col:median_days": ("Median (days)", "Median (dage)"),
    "col:median_ci_low": ("Median CI low", "Median KI nedre"),
    "col:median_ci_high": ("Median CI high", "Median KI øvre"),
    "col:q25_days": ("25 % (days)", "25 % (dage)"),
    "col:q75_days": ("75 % (days)", "75 % (dage)"),
    "col:scheme": ("Scheme", "Ordning"),
    "col:granted": ("Granted", "Bevilget"),
    "col:rate": ("Rate", "Rate"),
    "col:cases": ("Cases", "Sager"),
    "col:jobcentres": ("Jobcentres", "Jobcentre"),
    "col:amount_dkk": ("Amount (DKK)", "Beløb (kr.)"),
    "col:total_dkk": ("Total (DKK)", "I alt (kr.)"),
    "col:cases_with_amount": ("Cases with amount", "Sager med beløb"),
    "col:jobcentre": ("Jobcentre", "Jobcenter"),
    "col:jobcentre_name": ("Name", "Navn"),
    "col:target_groups": ("Target groups", "Ydelsesgrupper"),
    "col:which": ("Which", "Hvilke"),
    "col:score": ("Score", "Score"),
    "col:rank": ("Rank", "Placering"),
    "col:coverage": ("Weight covered", "Dækket vægt"),
    "col:nominal_rank": ("Rank", "Placering"),
    "col:median_rank": ("Median rank", "Medianplacering"),
    "col:rank_q05": ("Rank 5 %", "Placering 5 %"),
    "col:rank_q95": ("Rank 95 %", "Placering 95 %"),
    "col:p_proactive": ("P(proactive)", "P(proaktiv)"),
    "col:p_diffuse": ("P(diffuse)", "P(diffus)"),
    "col:p_reactive": ("P(reactive)", "P(reaktiv)"),
    "col:flag_95": ("95 % limits", "95 %-grænser"),
    "col:flag_99_8": ("99.8 % limits", "99,8 %-grænser"),
    "col:shrunk": ("Shrunk rate", "Krympet rate"),
    "col:positive_deviant": ("Positive deviant", "Positiv afviger"),
    "col:group": ("Group", "Gruppe"),
    "col:reference": ("Reference", "Reference"),
    "col:n_reference": ("n (reference)", "n (reference)"),
    "col:mean_reference": ("Mean (reference)", "Gennemsnit (reference)"),
    "col:boot_ci_low": ("Bootstrap CI low", "Bootstrap-KI nedre"),
    "col:boot_ci_high": ("Bootstrap CI high", "Bootstrap-KI øvre"),
    "col:hedges_g": ("Hedges' g", "Hedges' g"),
    "col:severity": ("Limitation", "Begrænsning"),
    "col:n_disabled": ("n limited", "n begrænset"),
    "col:n_not_disabled": ("n not limited", "n ikke begrænset"),
    "col:rate_disabled": ("Employed (limited)", "Beskæftiget (begrænset)"),
    "col:rate_not_disabled": ("Employed (not limited)", "Beskæftiget (ikke begrænset)"),
    "col:gap_pp": ("Gap (pp)", "Gab (pp)"),
    "col:relative_rate": ("Relative rate", "Relativ frekvens"),
    "col:n_missing": ("Missing", "Mangler"),
    "col:age_band": ("Ages", "Alder"),
    "col:definition": ("Definition", "Definition"),
    "col:n_eff_disabled": ("Effective n limited", "Effektivt n begrænset"),
    "col:n_eff_not_disabled": ("Effective n not limited", "Effektivt n ikke begrænset"),
    "col:weight": ("Weight", "Vægt"),
    "col:low_95": ("95 % limit low", "95 %-grænse nedre"),
    "col:high_95": ("95 % limit high", "95 %-grænse øvre"),
    "col:low_99_8": ("99.8 % limit low", "99,8 %-grænse nedre"),
    "col:high_99_8": ("99.8 % limit high", "99,8 %-grænse øvre"),
    "col:contribution_political_focus": ("Points: political focus", "Point: politisk fokus"),
    "col:contribution_management_priority": (
        "Points: management priority",
        "Point: ledelsesmæssig prioritering",
    ),
    "col:contribution_employer_outreach": (
        "Points: employer outreach",
        "Point: opsøgende arbejde over for arbejdsgivere",
    ),
    "col:contribution_external_collaboration": (
        "Points: external collaboration",
        "Point: eksternt samarbejde",
    ),
    "col:contribution_written_strategy": ("Points: written strategy", "Point: skriftlig strategi"),
    "col:contribution_screening_at_intake": (
        "Points: screening at intake",
        "Point: screening ved visitation",
    ),
    "col:contribution_key_person_model": (
        "Points: key-person model",
        "Point: nøglepersonsmodel",
    ),
    "col:contribution_staff_training": ("Points: staff training", "Point: kompetenceudvikling"),
    "col:contribution_target_groups_covered": (
        "Points: target groups covered",
        "Point: dækkede ydelsesgrupper",
    ),
    # ---------------------------------------------------------------- values
    "val:True": ("yes", "ja"),
    "val:False": ("no", "nej"),
    "val:flag:below": ("below", "under"),
    "val:flag:within": ("within", "inden for"),
    "val:flag:above": ("above", "over"),
    "val:method:paired": ("paired", "parret"),
    "val:method:independent": ("independent", "uafhængig"),
    "val:interval:fisher": ("Fisher", "Fisher"),
    "val:interval:cluster bootstrap": ("cluster bootstrap", "klyngebootstrap"),
    "val:severity:some or severe": ("some or severe", "nogen eller svær"),
    "val:severity:some": ("some", "nogen"),
    "val:severity:severe": ("severe", "svær"),
    "val:scale:knowledge": ("knowledge", "viden"),
    "val:scale:belief": ("belief in the citizen", "tro på borgeren"),
}

#: Enum classes whose members a column holds, for the Danish labels.
_ENUM_COLUMNS: Final[Mapping[str, Any]] = {
    "scheme": CompensationScheme,
    "target_group": TargetGroup,
    "decision": Decision,
    "strategy": StrategyType,
    "group": StrategyType,
    "reference": StrategyType,
    "key_person_model": KeyPersonModel,
}

#: Columns whose values are labelled like another column's.
_FAMILIES: Final[Mapping[str, str]] = {"x": "scale", "y": "scale"}

_LIKERT_DA: Final[Mapping[str, str]] = {member.label_en: member.label_da for member in Likert}


def _index(lang: Lang) -> int:
    return 1 if lang == "da" else 0


def text(key: str, lang: Lang, **fields: object) -> str:
    """Return the text ``key`` in ``lang`` with its ``{}`` fields filled in."""
    template = TEXTS[key][_index(lang)]
    return template.format(**fields) if fields else template


def column_label(column: str, lang: Lang) -> str:
    """Return the header of a column: its entry in :data:`TEXTS`, else the name itself."""
    entry = TEXTS.get(f"col:{column}")
    if entry is None:
        return column.replace("_", " ")
    return entry[_index(lang)]


@functools.cache
def survey_items() -> Mapping[str, tuple[str, str]]:
    """The jobcentre survey's items: code to (English, Danish) wording, in questionnaire order.

    Read from the packaged ``data/survey_items.csv`` (columns ``item``, ``en``, ``da``), so
    that a new item or a better wording is a data change.
    """
    raw = resources.files("jobhandicap").joinpath("data", "survey_items.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(raw))
    return {row["item"]: (row["en"], row["da"]) for row in rows}


def value_label(column: str, value: object, lang: Lang) -> str:
    """Return the label of a text value of ``column`` (translated when known).

    A survey item (column ``item``) is shown by its wording from
    :func:`survey_items` when it is one of the packaged items.
    """
    shown = str(value)
    if column == "item":
        wording = survey_items().get(shown)
        if wording is not None:
            return wording[_index(lang)]
    family = "flag" if column.startswith("flag_") else _FAMILIES.get(column, column)
    entry = TEXTS.get(f"val:{family}:{shown}") or (
        TEXTS.get(f"val:{shown}") if isinstance(value, bool) else None
    )
    if entry is not None:
        return entry[_index(lang)]
    if lang == "da":
        enum = _ENUM_COLUMNS.get(column)
        if enum is not None:
            try:
                return str(enum(shown).label_da)
            except ValueError:
                return shown
        if column == "label":
            return _LIKERT_DA.get(shown, shown)
    return shown


def number(value: float, decimals: int, lang: Lang) -> str:
    """Format a number with ``decimals`` decimals (decimal comma in Danish, ∞ for infinity)."""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    shown = f"{value:.{decimals}f}"
    if shown.startswith("-") and float(shown) == 0:
        shown = shown[1:]
    return shown.replace(".", ",") if lang == "da" else shown


def p_text(value: float, lang: Lang) -> str:
    """Format a p-value: ``p < 0.001`` below a thousandth, else ``p = 0.034`` (three decimals)."""
    if value < 0.001:
        return f"p < {number(0.001, 3, lang)}"
    return f"p = {number(value, 3, lang)}"


def percent(value: float, lang: Lang, decimals: int = 1) -> str:
    """Format a share as a percentage (``0.357`` → ``35.7 %``)."""
    return f"{number(100 * value, decimals, lang)} %"


def points(value: float, lang: Lang, decimals: int = 1) -> str:
    """Format a difference of two shares in percentage points (``0.039`` → ``3.9 pp``)."""
    return f"{number(100 * value, decimals, lang)} {text('points', lang)}"


def listing(items: list[str], lang: Lang) -> str:
    """Join ``["a", "b", "c"]`` as ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text('and', lang)} {items[-1]}"
