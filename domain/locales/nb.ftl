# The portal's words for data subjects, in Fluent (https://projectfluent.org).
# Every message here must exist in nb.ftl and nl.ftl too: a unit test in
# app/src/i18n.rs fails otherwise, and another fails when the code asks for an
# id that no file has.

## Sideramme

skip-link = Hopp til innholdet
nav-label = Hovedmeny
nav-notice = Personvernerklæring
nav-new = Send en forespørsel
nav-requests = Mine forespørsler
language-switcher = Språk
footer = Personvernportalen til { $org }
gpc-note = Nettleseren din sendte et Global Privacy Control-signal. Det respekterer vi: Vi bruker ikke opplysningene dine til profilering for markedsføring, og vi deler dem ikke for markedsføring. Når du har bekreftet e-postadressen din her, registrerer vi dette som ditt valg, og du kan laste ned kvitteringen.
error-not-found-title = Fant ikke siden
error-title = Noe gikk galt
loading = Laster inn …

## Datoer: { $day } er dagen i måneden, { $month } ett av navnene nedenfor.

date-long = { $day }. { $month } { $year }
month-1 = januar
month-2 = februar
month-3 = mars
month-4 = april
month-5 = mai
month-6 = juni
month-7 = juli
month-8 = august
month-9 = september
month-10 = oktober
month-11 = november
month-12 = desember

## Personvernerklæringen

notice-last-updated = Sist oppdatert
notice-cta = Bruk rettighetene dine
notice-contents = Innhold
notice-not-in-language = Denne erklæringen finnes ikke på ditt språk. Den vises på virksomhetens eget språk.
notice-versions = Tidligere versjoner
notice-versions-lead = Hva som er endret, versjon for versjon.
notice-version-from = Versjon fra { $date }
notice-changes = Hva er endret
notice-changes-title = Endringer i personvernerklæringen
notice-changes-lead = Endringer mellom versjonen fra { $from } og versjonen fra { $to }. Fjernet tekst er gjennomstreket, ny tekst er understreket.
notice-changes-removed = Fjernet:
notice-changes-added = Lagt til:
notice-changes-none = Teksten ble ikke endret mellom disse versjonene.
notice-back = Tilbake til personvernerklæringen
notice-changed-since = Personvernerklæringen er endret siden du bekreftet e-postadressen din { $date }.
notice-changed-link = Se hva som er endret

## Velge en rettighet

chooser-title = Hva vil du gjøre?
chooser-lead = Velg rettigheten du vil bruke. Vi svarer innen én måned etter at du har bekreftet e-postadressen din.
gdpr-article = GDPR art. { $article }

kind-access = Få en kopi av opplysningene mine
kind-access-summary = Se hvilke opplysninger vi har om deg, hvorfor, hvor de kommer fra og hvem vi deler dem med.
kind-rectification = Rett opplysningene mine
kind-rectification-summary = Fortell oss hva som er feil eller ufullstendig, og hva som er riktig.
kind-erasure = Slett opplysningene mine
kind-erasure-summary = Be oss slette opplysningene dine, alle sammen eller noen av dem.
kind-restriction = Begrens bruken av opplysningene mine
kind-restriction-summary = Be oss ta vare på opplysningene dine, men slutte å bruke dem mens noe blir avklart.
kind-portability = Flytt opplysningene mine til en annen tjeneste
kind-portability-summary = Få opplysningene du har gitt oss, i en maskinlesbar fil.
kind-objection = Protester mot bruken av opplysningene mine
kind-objection-summary = Protester mot behandling som bygger på våre berettigede interesser.
kind-automated_decision = Få en automatisert avgjørelse vurdert av et menneske
kind-automated_decision-summary = Klag på en avgjørelse om deg som er tatt uten menneskelig medvirkning.
kind-marketing_opt_out = Stopp markedsføring
kind-marketing_opt_out-summary = Ingen flere nyhetsbrev, tilbud eller profilering for markedsføring.
kind-withdraw_consent = Trekk tilbake samtykket mitt
kind-withdraw_consent-summary = Trekk tilbake et samtykke du har gitt oss, for ett formål.

## Skjemaet for forespørsler

field-email = E-postadressen din
field-email-hint = Vi sender en kode til denne adressen for å sikre at forespørselen kommer fra deg.
field-description = Noe som kan hjelpe oss å finne opplysningene dine (valgfritt)
field-inaccurate = Hva er feil eller ufullstendig?
field-correction = Hva er riktig?
field-erasure_scope = Hva skal vi slette?
field-grounds = Hvorfor? Fortell oss om situasjonen din
field-decision = Hvilken avgjørelse vil du ha vurdert?
field-purpose = Hvilket samtykke trekker du tilbake?
field-code = Sekssifret kode
erasure-all = Alt dere har om meg
erasure-specific = Bare opplysningene jeg beskriver nedenfor
field-language = Språk i e-postene vi sender deg
characters = tegn
send-request = Send forespørsel
sending = Sender …

## Feil i feltene

field-error-required = Du må fylle ut dette.
field-error-too_short = Dette er for kort.
field-error-too_long = Skriv færre enn { $max } tegn.
field-error-invalid_email = Dette ser ikke ut som en e-postadresse, for eksempel name@example.com.
field-error-invalid_choice = Velg ett av alternativene.
field-error-not_applicable = Denne forespørselen spør ikke om dette.

## Feil

error-validation = Noen av svarene må sjekkes; se de merkede feltene.
error-unknown_organisation = Vi kjenner ikke denne virksomheten.
error-unknown_kind = Vi kjenner ikke denne typen forespørsel.
error-not_found = Vi fant ikke dette.
error-unauthenticated = Bekreft e-postadressen din for å fortsette.
error-login_failed = E-postadressen eller passordet er feil.
error-password_reset_required = En administrator valgte passordet til denne kontoen. Velg ditt eget først: bruk «Glemt passordet?» nedenfor.
error-forbidden = Dette er ikke tillatt.
error-code_invalid = { $attempts ->
    [one] Koden er ikke riktig. Du kan prøve én gang til.
   *[other] Koden er ikke riktig. Du kan prøve { $attempts } ganger til.
}
error-code_expired = Koden er utløpt. Be om en ny kode nedenfor.
error-code_burned = For mange feil forsøk: Denne koden virker ikke lenger. Be om en ny kode nedenfor.
error-code_limit = Du har bedt om 10 koder i dag, som er grensen per dag. Prøv igjen i morgen.
error-link_invalid = Denne lenken er utløpt eller allerede brukt. Be om en ny kode.
error-request_expired = Denne forespørselen er utløpt fordi den ikke ble bekreftet innen 7 dager. Send en ny forespørsel.
error-export_expired = Denne nedlastingen er utløpt: Pakker kan bare lastes ned i en begrenset periode. Skriv til personvernteamet på siden for forespørselen din for å få en ny.
error-idempotency_conflict = Denne Idempotency-Key er allerede brukt for en annen forespørsel. Bruk en ny nøkkel for en ny forespørsel.
error-malformed_body = Vi kunne ikke lese skjemaet. Prøv igjen.
error-payload_too_large = Det er for mye tekst til å sende på én gang.
error-rate_limited = For mange forsøk. Vent litt og prøv igjen.
error-unavailable = Vi fikk ikke kontakt med portalen. Prøv igjen.
error-internal = Noe gikk galt hos oss. Prøv igjen senere.
refused-not_in_this_status = Dette kan ikke gjøres mens forespørselen har den statusen den har nå.
refused-not_verified = Forespørselen er ikke bekreftet ennå.
refused-already_extended = Fristen er allerede forlenget én gang; den kan ikke forlenges igjen.
refused-extension_too_long = Fristen kan forlenges med én eller to måneder.
refused-reason_required = Oppgi begrunnelsen; den registrerte får beskjed om den.
refused-legal_ground_required = Oppgi det rettslige grunnlaget for avslaget.
refused-already_executed = Noe er allerede gjennomført i denne forespørselen, så den kan ikke lenger avbrytes.
refused-first_month_over = Den første måneden er over: en forlengelse må meddeles innen én måned etter at forespørselen kom inn (art. 12 nr. 3). Svar på forespørselen nå.

## Statuser

status-pending_verification = Venter på at du bekrefter e-postadressen din
status-received = Mottatt
status-in_progress = Under behandling
status-awaiting_subject = Venter på svar fra deg
status-completed = Fullført
status-rejected = Avslått
status-cancelled = Avbrutt

## Følge en forespørsel

request-heading = Forespørsel { $reference }
loading-request = Laster inn forespørselen din …
make-new-request = Send en ny forespørsel
code-sent = Vi har sendt en sekssifret kode til e-postadressen du oppga. Den er gyldig i 10 minutter. Sjekk søppelpostmappen hvis den ikke kommer.
code-sending = Vi sender en sekssifret kode til e-postadressen du oppga. Den er gyldig i 10 minutter. Sjekk søppelpostmappen hvis den ikke kommer.
code-delayed = E-posten med koden din er ikke sendt ennå: e-posttjeneren tok ikke imot den. Vi prøver igjen, og koden kommer så snart den blir tatt imot. Du kan også be om en ny kode nedenfor.
code-undeliverable = Vi klarte ikke å levere e-posten med koden din. Be om en ny kode nedenfor; kommer heller ikke den, send en ny forespørsel med en annen adresse.
verify-heading = Bekreft at det er deg
verify-lead = Skriv inn koden fra e-posten, eller åpne lenken i den.
confirm = Bekreft
resend-code = Send meg en ny kode
fact-request = Forespørsel
fact-status = Status
fact-received = Mottatt
fact-due = Frist
due-after-verification = Én måned etter at du har bekreftet e-postadressen din
due-unconfirmed = Etter at du har bekreftet e-postadressen din
awaiting-you = Vi trenger opplysninger fra deg: Les meldingen nedenfor og svar på den her.
collecting-heading = Vi henter opplysningene dine
collecting-lead = Vi spør hvert av systemene våre om hva de har om deg. Listen oppdaterer seg selv.
source-waiting = { $source }: venter
source-answered = { $source }: har svart
source-retrying = { $source }: ikke svart ennå, vi spør igjen
package-heading = Datapakken din
package-expired = Nedlastingsperioden gikk ut { $date }. Skriv til personvernteamet nedenfor hvis du trenger en ny pakke.
package-lead = En zip-fil med opplysningene dine: et lesbart sammendrag (index.html), dataene som JSON- og CSV-filer, og sjekksummer.
package-download = Last ned opplysningene dine ({ $size })
package-until = Tilgjengelig til { $date }.
package-ready = Datapakken din er klar. Du kan laste den ned fra denne siden til { $date }.
messages-heading = Meldinger
messages-none = Ingen meldinger ennå.
from-team = Personvernteamet
from-you = Du
files-heading = Filer fra personvernteamet
reply-label = Skriv til personvernteamet
send-message = Send melding
history-heading = Historikk
cancel-request = Avbryt denne forespørselen
all-requests = Alle forespørslene mine
sign-out = Logg ut
size-bytes = { $n } byte
event-submitted = Du sendte forespørselen
event-code_sent = Vi sendte deg en kode på e-post
event-verified = Du bekreftet e-postadressen din; fristen på én måned begynte å løpe
event-expired_unverified = Forespørselen utløp: Den ble ikke bekreftet innen 7 dager
event-status_changed = Statusen ble endret
event-assigned = En i personvernteamet tok forespørselen din
event-started = Vi begynte å behandle forespørselen din
event-asked_subject = Vi ba deg om opplysninger
event-subject_answered = Du svarte
event-extended = Vi forlenget fristen
event-completed = Vi svarte på forespørselen din
event-rejected = Vi avslo forespørselen din
event-cancelled = Forespørselen ble avbrutt
event-message = En melding ble lagt til
note-refused = { $reason } Rettslig grunnlag: { $ground }. Du kan klage til en tilsynsmyndighet, særlig i landet der du bor eller arbeider (personvernforordningen art. 77), og du kan bringe saken inn for domstolene (art. 79).
note-refused-authority = { $reason } Rettslig grunnlag: { $ground }. Du kan klage til { $authority }, { $address }, { $url } (personvernforordningen art. 77), og du kan bringe saken inn for domstolene (art. 79).
note-opted-out = Utført: du får ikke mer markedsføring fra oss.
note-consent-withdrawn = Utført: vi behandler ikke lenger opplysningene dine på grunnlag av samtykket du trakk tilbake.
note-reviewed-upheld = Vurdert av { $reviewer }, som la vekt på: { $considered }. Avgjørelsen står ved lag.
note-reviewed-changed = Vurdert av { $reviewer }, som la vekt på: { $considered }. Avgjørelsen ble endret.

## Mine forespørsler

loading-requests = Laster inn forespørslene dine …
requests-none = Du har ingen forespørsler ennå.
consent-receipts-download = Last ned samtykkekvitteringene dine (JSON)
sign-in-help = For å se forespørslene dine kan du åpne lenken i e-posten vi sendte deg, eller skrive inn referansen din for å få en ny kode.
reference-unknown = Vi kjenner ikke igjen denne referansen. Referanser ser slik ut: PR-7K3M-Q9XD.
reference-label = Referanse (for eksempel PR-7K3M-Q9XD)
continue = Fortsett

## Valg og samtykker

preferences-heading = Valgene dine
preferences-lead = Velg hva vi kan gjøre med opplysningene dine basert på samtykket ditt. Hver endring registreres med dato og versjonen av personvernerklæringen, og du kan laste ned oversikten.
preferences-marketing = Markedsføring
preferences-purposes = Formål som krever samtykke fra deg
preference-allowed = Tillatt
preference-withdrawn = Ikke tillatt
preference-given-on = Du ga samtykke { $date }.
preference-withdrawn-on = Du trakk det tilbake { $date }.
preference-not-given = Du har ikke gitt samtykke.
preference-save = Lagre valgene mine
preferences-saved = Valgene dine er lagret og registrert.
preferences-none = Denne virksomheten ber ikke om samtykke til noe.

## Bekrefte via lenke

confirm-title = Bekreft e-postadressen din
confirm-lead = Trykk på knappen for å bekrefte at det var du som sendte denne forespørselen.

## Melde seg av

unsubscribe-title = Meld deg av markedsføring
unsubscribe-done = Du er meldt av: Vi sender ikke mer markedsføring til denne adressen. Vi har registrert valget ditt.
unsubscribe-lead = Trykk på knappen for å stoppe markedsføringen vår til adressen denne lenken ble sendt til. E-post om avtalen din og forespørslene dine får du fortsatt.
unsubscribe-button = Meld meg av

figures-link = Slik svarer vi på henvendelser: tallene våre
figures-heading = Slik svarer vi på henvendelser
figures-lead = Hvor mange henvendelser om personopplysninger { $org } fikk hver måned, hvor mange som ble besvart, hvor mange dager det tok, og hvor mange svar som kom for sent. Loven gir én måned, som kan forlenges med to måneder til for kompliserte henvendelser.
figures-none = Ingen henvendelser er mottatt ennå.
figures-per-month = Henvendelser per måned
figures-per-kind = Per type henvendelse og måned
figures-month = Måned
figures-kind = Type henvendelse
figures-received = Mottatt
figures-answered = Besvart
figures-completed = Fullført
figures-rejected = Avslått
figures-cancelled = Trukket tilbake eller ikke bekreftet
figures-median = Median antall dager til svar
figures-p95 = Dager innen 95 % var besvart
figures-extended = Fristen forlenget
figures-late = For sent
figures-how = En henvendelse telles i måneden den ble bekreftet av den som sendte den (eller, for en henvendelse per brev eller telefon, måneden den kom inn). Dagene telles derfra til svaret.
figures-kind-access = Innsyn (art. 15)
figures-kind-rectification = Retting (art. 16)
figures-kind-erasure = Sletting (art. 17)
figures-kind-restriction = Begrensning av behandling (art. 18)
figures-kind-portability = Dataportabilitet (art. 20)
figures-kind-objection = Protest (art. 21)
figures-kind-automated_decision = Automatiserte avgjørelser (art. 22)
figures-kind-marketing_opt_out = Reservasjon mot markedsføring (art. 21 nr. 2)
figures-kind-withdraw_consent = Samtykke trukket tilbake (art. 7 nr. 3)

ground-manifestly_unfounded = forespørselen er åpenbart grunnløs (personvernforordningen art. 12 nr. 5 bokstav b)
ground-excessive = forespørselen er overdreven, særlig fordi den gjentas (art. 12 nr. 5 bokstav b)
ground-cannot_identify = vi kan ikke identifisere deg ut fra opplysningene som er gitt (art. 11 nr. 2 og art. 12 nr. 2)
ground-national_law = en begrensning fastsatt i lov (art. 23)
ground-rights_of_others = det ville skade andres rettigheter og friheter (art. 15 nr. 4)
ground-accurate = opplysningene er riktige og fullstendige (art. 16)
ground-no_erasure_ground = ingen av grunnlagene for sletting gjelder (art. 17 nr. 1)
ground-freedom_of_expression = opplysningene trengs for ytrings- og informasjonsfriheten (art. 17 nr. 3 bokstav a)
ground-legal_obligation = vi er pålagt ved lov å beholde opplysningene (art. 17 nr. 3 bokstav b)
ground-public_health = opplysningene trengs av hensyn til folkehelsen (art. 17 nr. 3 bokstav c)
ground-archiving = opplysningene trengs for arkiv, forskning eller statistikk i allmennhetens interesse (art. 17 nr. 3 bokstav d)
ground-legal_claims = opplysningene trengs for å fastsette, gjøre gjeldende eller forsvare rettskrav (art. 17 nr. 3 bokstav e)
ground-restriction_conditions = ingen av vilkårene for begrensning er oppfylt (art. 18 nr. 1)
ground-portability_not_applicable = retten til dataportabilitet gjelder ikke for denne behandlingen (art. 20 nr. 1)
ground-compelling_grounds = tungtveiende berettigede grunner går foran protesten din (art. 21 nr. 1)
ground-automated_decision_allowed = avgjørelsen er tillatt etter en avtale, etter lov eller etter ditt uttrykkelige samtykke (art. 22 nr. 2)

asked-heading = Det du ba om
asked-nothing = Denne forespørselen spør ikke om noe mer enn typen.
not-reached-lead = Denne pakken er ikke fullstendig. Disse systemene svarte ikke, så opplysningene deres er ikke med; det betyr ikke at de ikke har noe om deg:
