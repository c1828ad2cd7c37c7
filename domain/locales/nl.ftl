# The portal's words for data subjects, in Fluent (https://projectfluent.org).
# Every message here must exist in nb.ftl and nl.ftl too: a unit test in
# app/src/i18n.rs fails otherwise, and another fails when the code asks for an
# id that no file has.

## Paginakader

skip-link = Naar de inhoud
nav-label = Hoofdmenu
nav-notice = Privacyverklaring
nav-new = Verzoek indienen
nav-requests = Mijn verzoeken
language-switcher = Taal
footer = Privacyportaal van { $org }
gpc-note = Uw browser heeft een Global Privacy Control-signaal gestuurd. Daar houden wij ons aan: wij gebruiken uw gegevens niet voor marketingprofielen en delen ze niet voor marketing. Zodra u hier uw e-mailadres hebt bevestigd, leggen wij dit vast als uw keuze en kunt u het bewijs daarvan downloaden.
error-not-found-title = Niet gevonden
error-title = Er is iets misgegaan
loading = Laden…

## Datums: { $day } is de dag van de maand, { $month } een van de namen hieronder.

date-long = { $day } { $month } { $year }
month-1 = januari
month-2 = februari
month-3 = maart
month-4 = april
month-5 = mei
month-6 = juni
month-7 = juli
month-8 = augustus
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december

## De privacyverklaring

notice-last-updated = Laatst bijgewerkt
notice-cta = Uw rechten uitoefenen
notice-contents = Inhoud
notice-not-in-language = Deze verklaring is niet beschikbaar in uw taal. Ze wordt getoond in de eigen taal van de organisatie.
notice-versions = Eerdere versies
notice-versions-lead = Wat er is veranderd, per versie.
notice-version-from = Versie van { $date }
notice-changes = Wat is er veranderd
notice-changes-title = Wijzigingen in de privacyverklaring
notice-changes-lead = Wijzigingen tussen de versie van { $from } en de versie van { $to }. Verwijderde tekst is doorgestreept, toegevoegde tekst is onderstreept.
notice-changes-removed = Verwijderd:
notice-changes-added = Toegevoegd:
notice-changes-none = De tekst is tussen deze versies niet veranderd.
notice-back = Terug naar de privacyverklaring
notice-changed-since = De privacyverklaring is gewijzigd sinds u op { $date } uw e-mailadres hebt bevestigd.
notice-changed-link = Bekijk wat er is veranderd

## Een recht kiezen

chooser-title = Wat wilt u doen?
chooser-lead = Kies het recht dat u wilt uitoefenen. Wij antwoorden binnen een maand nadat u uw e-mailadres hebt bevestigd.
gdpr-article = AVG art. { $article }

kind-access = Een kopie van mijn gegevens krijgen
kind-access-summary = Bekijk welke gegevens wij over u hebben, waarom, waar ze vandaan komen en met wie wij ze delen.
kind-rectification = Mijn gegevens laten corrigeren
kind-rectification-summary = Laat ons weten wat er niet klopt of onvolledig is, en wat wel juist is.
kind-erasure = Mijn gegevens laten verwijderen
kind-erasure-summary = Vraag ons uw gegevens te verwijderen, helemaal of gedeeltelijk.
kind-restriction = Het gebruik van mijn gegevens beperken
kind-restriction-summary = Vraag ons uw gegevens te bewaren maar niet meer te gebruiken zolang er iets wordt uitgezocht.
kind-portability = Mijn gegevens overzetten naar een andere dienst
kind-portability-summary = Ontvang de gegevens die u ons hebt gegeven in een machineleesbaar bestand.
kind-objection = Bezwaar maken tegen het gebruik van mijn gegevens
kind-objection-summary = Maak bezwaar tegen verwerking op basis van ons gerechtvaardigd belang.
kind-automated_decision = Een geautomatiseerd besluit door een mens laten beoordelen
kind-automated_decision-summary = Vecht een besluit over u aan dat zonder menselijke tussenkomst is genomen.
kind-marketing_opt_out = Stoppen met marketing
kind-marketing_opt_out-summary = Geen nieuwsbrieven, aanbiedingen of marketingprofielen meer.
kind-withdraw_consent = Mijn toestemming intrekken
kind-withdraw_consent-summary = Trek een toestemming in die u ons voor één doel hebt gegeven.

## Het aanvraagformulier

field-email = Uw e-mailadres
field-email-hint = Wij sturen een code naar dit adres om te controleren dat het verzoek van u komt.
field-description = Alles wat ons helpt uw gegevens te vinden (optioneel)
field-inaccurate = Wat klopt er niet of is onvolledig?
field-correction = Wat is juist?
field-erasure_scope = Wat moeten wij verwijderen?
field-grounds = Waarom? Vertel ons over uw situatie
field-decision = Welk besluit wilt u laten beoordelen?
field-purpose = Welke toestemming trekt u in?
field-code = Code van zes cijfers
erasure-all = Alle gegevens die u over mij hebt
erasure-specific = Alleen de gegevens die ik hieronder beschrijf
field-language = Taal van onze e-mails aan u
characters = tekens
send-request = Verzoek versturen
sending = Versturen…

## Fouten in velden

field-error-required = Vul dit in.
field-error-too_short = Dit is te kort.
field-error-too_long = Gebruik minder dan { $max } tekens.
field-error-invalid_email = Dit lijkt geen e-mailadres te zijn. Een voorbeeld: name@example.com.
field-error-invalid_choice = Kies een van de mogelijkheden.
field-error-not_applicable = Hier wordt bij dit verzoek niet om gevraagd.

## Foutmeldingen

error-validation = Sommige antwoorden vragen uw aandacht; zie de gemarkeerde velden.
error-unknown_organisation = Wij kennen deze organisatie niet.
error-unknown_kind = Wij kennen dit soort verzoek niet.
error-not_found = Wij konden dit niet vinden.
error-unauthenticated = Bevestig uw e-mailadres om verder te gaan.
error-login_failed = Het e-mailadres of het wachtwoord is onjuist.
error-password_reset_required = Een beheerder koos het wachtwoord van dit account. Kies eerst uw eigen wachtwoord: gebruik ‘Wachtwoord vergeten?’ hieronder.
error-forbidden = Dit is niet toegestaan.
error-code_invalid = { $attempts ->
    [one] Die code klopt niet. U kunt het nog één keer proberen.
   *[other] Die code klopt niet. U kunt het nog { $attempts } keer proberen.
}
error-code_expired = Die code is verlopen. Vraag hieronder een nieuwe code aan.
error-code_burned = Te veel onjuiste pogingen: deze code werkt niet meer. Vraag hieronder een nieuwe code aan.
error-code_limit = U hebt vandaag 10 codes aangevraagd, het maximum per dag. Probeer het morgen opnieuw.
error-link_invalid = Deze link is verlopen of al gebruikt. Vraag een nieuwe code aan.
error-request_expired = Dit verzoek is verlopen, omdat het niet binnen 7 dagen is bevestigd. Dien een nieuw verzoek in.
error-export_expired = Deze download is verlopen: pakketten kunnen maar een beperkte tijd worden gedownload. Schrijf het privacyteam via de pagina van uw verzoek voor een nieuw pakket.
error-idempotency_conflict = Deze Idempotency-Key is al gebruikt voor een ander verzoek. Gebruik een nieuwe sleutel voor een nieuw verzoek.
error-malformed_body = Het formulier kon niet worden gelezen. Probeer het opnieuw.
error-payload_too_large = Dat is te veel tekst om in één keer te versturen.
error-rate_limited = Te veel pogingen. Wacht even en probeer het opnieuw.
error-unavailable = Wij konden het portaal niet bereiken. Probeer het opnieuw.
error-internal = Er is bij ons iets misgegaan. Probeer het later opnieuw.
refused-not_in_this_status = Dit kan niet bij de huidige status van het verzoek.
refused-not_verified = Het verzoek is nog niet bevestigd.
refused-already_extended = De termijn is al een keer verlengd; hij kan niet nog eens worden verlengd.
refused-extension_too_long = De termijn kan met een of twee maanden worden verlengd.
refused-reason_required = Geef de reden op; de betrokkene krijgt die te horen.
refused-legal_ground_required = Geef de wettelijke grondslag voor de weigering op.
refused-already_executed = Er is voor dit verzoek al iets uitgevoerd, dus het kan niet meer worden geannuleerd.
refused-first_month_over = De eerste maand is voorbij: een verlenging moet binnen één maand na ontvangst worden gemeld (art. 12, lid 3). Beantwoord het verzoek nu.

## Statussen

status-pending_verification = Wacht tot u uw e-mailadres bevestigt
status-received = Ontvangen
status-in_progress = In behandeling
status-awaiting_subject = Wacht op uw antwoord
status-completed = Afgerond
status-rejected = Afgewezen
status-cancelled = Geannuleerd

## Een verzoek volgen

request-heading = Verzoek { $reference }
loading-request = Uw verzoek wordt geladen…
make-new-request = Nieuw verzoek indienen
code-sent = Wij hebben een code van zes cijfers gestuurd naar het e-mailadres dat u hebt opgegeven. De code is 10 minuten geldig. Kijk in uw spammap als de e-mail niet aankomt.
code-sending = Wij sturen een code van zes cijfers naar het e-mailadres dat u hebt opgegeven. De code is 10 minuten geldig. Kijk in uw spammap als de e-mail niet aankomt.
code-delayed = Onze e-mail met uw code is nog niet verstuurd: de mailserver heeft hem niet aangenomen. Wij blijven het proberen, en de code komt zodra dat lukt. U kunt hieronder ook een nieuwe code aanvragen.
code-undeliverable = Wij konden de e-mail met uw code niet afleveren. Vraag hieronder een nieuwe code aan; komt ook die niet aan, doe dan een nieuw verzoek met een ander adres.
verify-heading = Bevestig dat u het bent
verify-lead = Vul de code uit de e-mail in, of open de link in de e-mail.
confirm = Bevestigen
resend-code = Stuur mij een nieuwe code
fact-request = Verzoek
fact-status = Status
fact-received = Ontvangen
fact-due = Uiterlijk
due-after-verification = Een maand nadat u uw e-mailadres hebt bevestigd
due-unconfirmed = Nadat u uw e-mailadres hebt bevestigd
awaiting-you = Wij hebben informatie van u nodig: lees het bericht hieronder en beantwoord het hier.
collecting-heading = Uw gegevens worden verzameld
collecting-lead = Wij vragen elk van onze systemen welke gegevens het over u heeft. Deze lijst werkt zichzelf bij.
source-waiting = { $source }: wacht op antwoord
source-answered = { $source }: beantwoord
source-retrying = { $source }: nog geen antwoord, wij vragen het opnieuw
package-heading = Uw gegevenspakket
package-expired = De downloadperiode is op { $date } afgelopen. Schrijf hieronder het privacyteam als u een nieuw pakket nodig hebt.
package-lead = Een zipbestand met uw gegevens: een leesbare samenvatting (index.html), de gegevens als JSON- en CSV-bestanden, en controlegetallen (checksums).
package-download = Uw gegevens downloaden ({ $size })
package-until = Beschikbaar tot { $date }.
package-ready = Uw gegevenspakket staat klaar. U kunt het tot { $date } via deze pagina downloaden.
messages-heading = Berichten
messages-none = Nog geen berichten.
from-team = Privacyteam
from-you = U
files-heading = Bestanden van het privacyteam
reply-label = Schrijf het privacyteam
send-message = Bericht versturen
history-heading = Geschiedenis
cancel-request = Dit verzoek annuleren
all-requests = Al mijn verzoeken
sign-out = Uitloggen
size-bytes = { $n } bytes
event-submitted = U hebt het verzoek verstuurd
event-code_sent = Wij hebben u een code gemaild
event-verified = U hebt uw e-mailadres bevestigd; de termijn van een maand is ingegaan
event-expired_unverified = Het verzoek is verlopen: het is niet binnen 7 dagen bevestigd
event-status_changed = De status is gewijzigd
event-assigned = Een medewerker van het privacyteam heeft uw verzoek opgepakt
event-started = Wij zijn met uw verzoek aan de slag gegaan
event-asked_subject = Wij hebben u om informatie gevraagd
event-subject_answered = U hebt geantwoord
event-extended = Wij hebben de termijn verlengd
event-completed = Wij hebben uw verzoek beantwoord
event-rejected = Wij hebben uw verzoek afgewezen
event-cancelled = Het verzoek is geannuleerd
event-message = Er is een bericht toegevoegd
note-refused = { $reason } Rechtsgrond: { $ground }. U kunt een klacht indienen bij een toezichthoudende autoriteit, met name in het land waar u woont of werkt (AVG art. 77), en u kunt de zaak aan de rechter voorleggen (art. 79).
note-refused-authority = { $reason } Rechtsgrond: { $ground }. U kunt een klacht indienen bij { $authority }, { $address }, { $url } (AVG art. 77), en u kunt de zaak aan de rechter voorleggen (art. 79).
note-opted-out = Gedaan: u ontvangt geen marketing meer van ons.
note-consent-withdrawn = Gedaan: wij verwerken uw gegevens niet langer op basis van de toestemming die u hebt ingetrokken.
note-reviewed-upheld = Beoordeeld door { $reviewer }, die het volgende heeft meegewogen: { $considered }. Het besluit blijft staan.
note-reviewed-changed = Beoordeeld door { $reviewer }, die het volgende heeft meegewogen: { $considered }. Het besluit is gewijzigd.

## Mijn verzoeken

loading-requests = Uw verzoeken worden geladen…
requests-none = U hebt nog geen verzoeken.
consent-receipts-download = Uw toestemmingsbewijzen downloaden (JSON)
sign-in-help = Om uw verzoeken te bekijken, opent u de link in de e-mail die wij u hebben gestuurd, of vult u uw referentie in om een nieuwe code te krijgen.
reference-unknown = Deze referentie kennen wij niet. Referenties zien er zo uit: PR-7K3M-Q9XD.
reference-label = Referentie (bijvoorbeeld PR-7K3M-Q9XD)
continue = Doorgaan

## Voorkeuren

preferences-heading = Uw keuzes
preferences-lead = Kies wat wij op basis van uw toestemming met uw gegevens mogen doen. Elke wijziging wordt vastgelegd met de datum en de versie van de privacyverklaring, en u kunt dit overzicht downloaden.
preferences-marketing = Marketing
preferences-purposes = Doelen waarvoor uw toestemming nodig is
preference-allowed = Toegestaan
preference-withdrawn = Niet toegestaan
preference-given-on = U hebt op { $date } toestemming gegeven.
preference-withdrawn-on = U hebt die op { $date } ingetrokken.
preference-not-given = U hebt geen toestemming gegeven.
preference-save = Mijn keuzes opslaan
preferences-saved = Uw keuzes zijn opgeslagen en vastgelegd.
preferences-none = Deze organisatie vraagt nergens toestemming voor.

## Bevestigen via een link

confirm-title = Bevestig uw e-mailadres
confirm-lead = Klik op de knop om te bevestigen dat u dit verzoek hebt ingediend.

## Afmelden

unsubscribe-title = Afmelden voor marketing
unsubscribe-done = U bent afgemeld: wij sturen geen marketingmails meer naar dit adres. Wij hebben uw keuze vastgelegd.
unsubscribe-lead = Klik op de knop om onze marketingmails te stoppen naar het adres waarnaar deze link is gestuurd. E-mails over uw contract en uw verzoeken blijft u gewoon ontvangen.
unsubscribe-button = Afmelden

figures-link = Hoe wij verzoeken beantwoorden: onze cijfers
figures-heading = Hoe wij verzoeken beantwoorden
figures-lead = Hoeveel verzoeken over persoonsgegevens { $org } elke maand ontving, hoeveel er werden beantwoord, hoeveel dagen dat duurde en hoeveel antwoorden te laat waren. De wet geeft één maand, die voor ingewikkelde verzoeken met nog twee maanden kan worden verlengd.
figures-none = Er is nog geen verzoek ontvangen.
figures-per-month = Verzoeken per maand
figures-per-kind = Per soort verzoek en maand
figures-month = Maand
figures-kind = Soort verzoek
figures-received = Ontvangen
figures-answered = Beantwoord
figures-completed = Afgehandeld
figures-rejected = Afgewezen
figures-cancelled = Ingetrokken of niet bevestigd
figures-median = Mediaan aantal dagen tot het antwoord
figures-p95 = Dagen waarbinnen 95% werd beantwoord
figures-extended = Termijn verlengd
figures-late = Te laat
figures-how = Een verzoek telt mee in de maand waarin de indiener het bevestigde (of, voor een verzoek per brief of telefoon, de maand waarin het binnenkwam). De dagen tellen vanaf dan tot het antwoord.
figures-kind-access = Inzage (art. 15)
figures-kind-rectification = Rectificatie (art. 16)
figures-kind-erasure = Wissing (art. 17)
figures-kind-restriction = Beperking van de verwerking (art. 18)
figures-kind-portability = Overdraagbaarheid van gegevens (art. 20)
figures-kind-objection = Bezwaar (art. 21)
figures-kind-automated_decision = Geautomatiseerde besluiten (art. 22)
figures-kind-marketing_opt_out = Bezwaar tegen direct marketing (art. 21, lid 2)
figures-kind-withdraw_consent = Toestemming ingetrokken (art. 7, lid 3)

ground-manifestly_unfounded = het verzoek is kennelijk ongegrond (AVG art. 12, lid 5, onder b)
ground-excessive = het verzoek is buitensporig, met name omdat het wordt herhaald (art. 12, lid 5, onder b)
ground-cannot_identify = wij kunnen u met de verstrekte gegevens niet identificeren (art. 11, lid 2, en art. 12, lid 2)
ground-national_law = een beperking die bij wet is vastgesteld (art. 23)
ground-rights_of_others = het zou de rechten en vrijheden van anderen schaden (art. 15, lid 4)
ground-accurate = de gegevens zijn juist en volledig (art. 16)
ground-no_erasure_ground = geen van de gronden voor wissing is van toepassing (art. 17, lid 1)
ground-freedom_of_expression = de gegevens zijn nodig voor de vrijheid van meningsuiting en informatie (art. 17, lid 3, onder a)
ground-legal_obligation = wij moeten de gegevens wettelijk bewaren (art. 17, lid 3, onder b)
ground-public_health = de gegevens zijn nodig voor de volksgezondheid (art. 17, lid 3, onder c)
ground-archiving = de gegevens zijn nodig voor archivering, onderzoek of statistiek in het algemeen belang (art. 17, lid 3, onder d)
ground-legal_claims = de gegevens zijn nodig voor de instelling, uitoefening of onderbouwing van een rechtsvordering (art. 17, lid 3, onder e)
ground-restriction_conditions = aan geen van de voorwaarden voor beperking is voldaan (art. 18, lid 1)
ground-portability_not_applicable = het recht op overdraagbaarheid is niet van toepassing op deze verwerking (art. 20, lid 1)
ground-compelling_grounds = dwingende gerechtvaardigde gronden gaan voor uw bezwaar (art. 21, lid 1)
ground-automated_decision_allowed = het besluit is toegestaan op grond van een overeenkomst, de wet of uw uitdrukkelijke toestemming (art. 22, lid 2)

asked-heading = Wat u vroeg
asked-nothing = Dit verzoek vraagt niets meer dan het soort.
not-reached-lead = Dit pakket is niet volledig. Deze systemen hebben niet geantwoord, dus hun gegevens zitten er niet in; dat betekent niet dat zij niets over u hebben:
