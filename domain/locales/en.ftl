# The portal's words for data subjects, in Fluent (https://projectfluent.org).
# Every message here must exist in nb.ftl and nl.ftl too: a unit test in
# app/src/i18n.rs fails otherwise, and another fails when the code asks for an
# id that no file has.

## Chrome

skip-link = Skip to content
nav-label = Main
nav-notice = Privacy notice
nav-new = Make a request
nav-requests = My requests
language-switcher = Language
footer = Privacy portal of { $org }
gpc-note = Your browser sent a Global Privacy Control signal. We honour it: we do not use your data for marketing profiling or share it for marketing. Once you have confirmed your e-mail address here, we record it as your choice, and you can download the receipt.
error-not-found-title = Not found
error-title = Something went wrong
loading = Loading…

## Dates: { $day } is the day of the month, { $month } one of the names below.

date-long = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## The privacy notice

notice-last-updated = Last updated
notice-cta = Exercise your rights
notice-contents = Contents
notice-not-in-language = This notice is not available in your language. It is shown in the organisation's own language.
notice-versions = Earlier versions
notice-versions-lead = What changed, version by version.
notice-version-from = Version of { $date }
notice-changes = What changed
notice-changes-title = Changes to the privacy notice
notice-changes-lead = Changes between the version of { $from } and the version of { $to }. Removed text is struck through, added text is underlined.
notice-changes-removed = Removed:
notice-changes-added = Added:
notice-changes-none = The wording did not change between these versions.
notice-back = Back to the privacy notice
notice-changed-since = The privacy notice has changed since you confirmed your e-mail address on { $date }.
notice-changed-link = See what changed

## Choosing a right

chooser-title = What would you like to do?
chooser-lead = Choose the right you want to exercise. We answer within one month of confirming your e-mail address.
gdpr-article = GDPR Art. { $article }

kind-access = Get a copy of my data
kind-access-summary = See what we hold about you, why, where it came from and who we share it with.
kind-rectification = Correct my data
kind-rectification-summary = Tell us what is wrong or incomplete, and what is right.
kind-erasure = Delete my data
kind-erasure-summary = Ask us to delete your data, all of it or some of it.
kind-restriction = Restrict the use of my data
kind-restriction-summary = Ask us to keep your data but stop using it while something is settled.
kind-portability = Move my data to another service
kind-portability-summary = Receive the data you gave us in a machine-readable file.
kind-objection = Object to the use of my data
kind-objection-summary = Object to processing based on our legitimate interests.
kind-automated_decision = Have an automated decision reviewed by a person
kind-automated_decision-summary = Contest a decision made about you without human involvement.
kind-marketing_opt_out = Stop marketing
kind-marketing_opt_out-summary = No more newsletters, offers or marketing profiling.
kind-withdraw_consent = Withdraw my consent
kind-withdraw_consent-summary = Take back a consent you gave us, for one purpose.

## The request form

field-email = Your e-mail address
field-email-hint = We send a code to this address to make sure the request is yours.
field-description = Anything that helps us find your data (optional)
field-inaccurate = What is wrong or incomplete?
field-correction = What is right?
field-erasure_scope = What should we delete?
field-grounds = Why? Tell us about your situation
field-decision = Which decision do you want reviewed?
field-purpose = Which consent do you withdraw?
field-code = Six-digit code
erasure-all = Everything you hold about me
erasure-specific = Only the data I describe below
field-language = Language for our e-mails to you
characters = characters
send-request = Send request
sending = Sending…

## Field errors

field-error-required = Please fill this in.
field-error-too_short = This is too short.
field-error-too_long = Please keep this under { $max } characters.
field-error-invalid_email = This does not look like an e-mail address, for example name@example.com.
field-error-invalid_choice = Please choose one of the options.
field-error-not_applicable = This request does not ask for this.

## Errors

error-validation = Some answers need your attention; see the marked fields.
error-unknown_organisation = We do not know this organisation.
error-unknown_kind = We do not know this kind of request.
error-not_found = We could not find this.
error-unauthenticated = Please confirm your e-mail address to continue.
error-login_failed = The e-mail address or the password is wrong.
error-password_reset_required = An admin chose this account’s password. Choose your own first: use “Forgot your password?” below.
error-forbidden = This is not allowed.
error-code_invalid = { $attempts ->
    [one] That code is not right. You can try { $attempts } more time.
   *[other] That code is not right. You can try { $attempts } more times.
}
error-code_expired = That code has expired. Ask for a new code below.
error-code_burned = Too many wrong attempts: this code no longer works. Ask for a new code below.
error-code_limit = You have asked for 10 codes today, the daily limit. Please try again tomorrow.
error-link_invalid = This link has expired or was already used. Ask for a new code.
error-request_expired = This request expired because it was not confirmed within 7 days. Please make a new request.
error-export_expired = This download has expired: packages can be downloaded for a limited time. Write to the privacy team on your request's page for a new one.
error-idempotency_conflict = This Idempotency-Key was already used for a different request. Use a new key for a new request.
error-malformed_body = The form could not be read. Please try again.
error-payload_too_large = That is too much text to send at once.
error-rate_limited = Too many attempts. Please wait a little and try again.
error-unavailable = We could not reach the portal. Please try again.
error-internal = Something went wrong on our side. Please try again later.
refused-not_in_this_status = This cannot be done while the request has its current status.
refused-not_verified = The request is not confirmed yet.
refused-already_extended = The deadline was already extended once; it cannot be extended again.
refused-extension_too_long = The deadline can be extended by one or two months.
refused-reason_required = Please give the reason; the subject is told.
refused-legal_ground_required = Please give the legal ground for the refusal.
refused-already_executed = Something was already carried out on this request, so it can no longer be cancelled.
refused-first_month_over = The first month is over: an extension must be told to the subject within one month of receipt (Art. 12(3)). Answer the request now.

## Statuses

status-pending_verification = Waiting for you to confirm your e-mail
status-received = Received
status-in_progress = In progress
status-awaiting_subject = Waiting for your answer
status-completed = Completed
status-rejected = Rejected
status-cancelled = Cancelled

## Following a request

request-heading = Request { $reference }
loading-request = Loading your request…
make-new-request = Make a new request
code-sent = We have sent a six-digit code to the e-mail address you gave. It is valid for 10 minutes. Check your spam folder if it does not arrive.
code-sending = We are sending a six-digit code to the e-mail address you gave. It is valid for 10 minutes. Check your spam folder if it does not arrive.
code-delayed = Our e-mail with your code has not gone out yet: the mail server did not accept it. We keep trying, and the code arrives as soon as it does. You can also ask for a new code below.
code-undeliverable = We could not deliver the e-mail with your code. Ask for a new code below; if that does not arrive either, make a new request with another address.
verify-heading = Confirm it is you
verify-lead = Enter the code from the e-mail, or open the link in it.
confirm = Confirm
resend-code = Send me a new code
fact-request = Request
fact-status = Status
fact-received = Received
fact-due = Due
due-after-verification = One month after you confirm your e-mail address
due-unconfirmed = After you confirm your e-mail address
awaiting-you = We need information from you: see the message below and answer it here.
collecting-heading = Collecting your data
collecting-lead = We are asking each of our systems for what it holds about you. This list follows it by itself.
source-waiting = { $source }: waiting
source-answered = { $source }: answered
source-retrying = { $source }: no answer yet, we will ask again
package-heading = Your data package
package-expired = The download period ended on { $date }. Write to the privacy team below if you need a new package.
package-lead = A zip file with your data: a readable summary (index.html), the data as JSON and as CSV files, and checksums.
package-download = Download your data ({ $size })
package-until = Available until { $date }.
package-ready = Your data package is ready. Download it from this page until { $date }.
messages-heading = Messages
messages-none = No messages yet.
from-team = Privacy team
from-you = You
files-heading = Files from the privacy team
reply-label = Write to the privacy team
send-message = Send message
history-heading = History
cancel-request = Cancel this request
all-requests = All my requests
sign-out = Sign out
size-bytes = { $n } bytes
event-submitted = You sent the request
event-code_sent = We e-mailed you a code
event-verified = You confirmed your e-mail address; the one-month deadline started
event-expired_unverified = The request expired: it was not confirmed within 7 days
event-status_changed = The status changed
event-assigned = A member of the privacy team took your request
event-started = We started working on your request
event-asked_subject = We asked you for information
event-subject_answered = You answered
event-extended = We extended the deadline
event-completed = We answered your request
event-rejected = We refused your request
event-cancelled = The request was cancelled
event-message = A message was added
note-refused = { $reason } Legal ground: { $ground }. You may complain to a supervisory authority, in particular in the country where you live or work (GDPR Art. 77), and you may take the matter to court (Art. 79).
note-refused-authority = { $reason } Legal ground: { $ground }. You may complain to { $authority }, { $address }, { $url } (GDPR Art. 77), and you may take the matter to court (Art. 79).
note-opted-out = Done: you will receive no more marketing from us.
note-consent-withdrawn = Done: we no longer process your data on the basis of the consent you withdrew.
note-reviewed-upheld = Reviewed by { $reviewer }, who considered: { $considered }. The decision stands.
note-reviewed-changed = Reviewed by { $reviewer }, who considered: { $considered }. The decision was changed.

## My requests

loading-requests = Loading your requests…
requests-none = You have no requests yet.
consent-receipts-download = Download your consent receipts (JSON)
sign-in-help = To see your requests, open the link in the e-mail we sent you, or enter your reference to get a new code.
reference-unknown = That is not a reference we recognise. References look like PR-7K3M-Q9XD.
reference-label = Reference (for example PR-7K3M-Q9XD)
continue = Continue

## Preferences

preferences-heading = Your choices
preferences-lead = Choose what we may do with your data on the basis of your consent. Every change is recorded with the date and the version of the privacy notice, and you can download the record.
preferences-marketing = Marketing
preferences-purposes = Purposes that need your consent
preference-allowed = Allowed
preference-withdrawn = Not allowed
preference-given-on = You gave your consent on { $date }.
preference-withdrawn-on = You withdrew it on { $date }.
preference-not-given = You have not given your consent.
preference-save = Save my choices
preferences-saved = Your choices are saved and recorded.
preferences-none = This organisation asks for no consent.

## Confirming by link

confirm-title = Confirm your e-mail address
confirm-lead = Press the button to confirm that you made this request.

## Unsubscribing

unsubscribe-title = Unsubscribe from marketing
unsubscribe-done = You are unsubscribed: we will send no more marketing mail to this address. We have recorded your choice.
unsubscribe-lead = Press the button to stop our marketing mail to the address this link was sent to. Mail about your contract and your requests still comes.
unsubscribe-button = Unsubscribe me

figures-link = How we answer requests: our figures
figures-heading = How we answer requests
figures-lead = How many requests about personal data { $org } received each month, how many it answered, how many days that took, and how many answers were late. The law gives one month, which may be extended by two more for complex requests.
figures-none = No request has been received yet.
figures-per-month = Requests per month
figures-per-kind = Per kind of request and month
figures-month = Month
figures-kind = Kind of request
figures-received = Received
figures-answered = Answered
figures-completed = Completed
figures-rejected = Refused
figures-cancelled = Withdrawn or not confirmed
figures-median = Median days to answer
figures-p95 = Days within which 95% were answered
figures-extended = Deadline extended
figures-late = Late
figures-how = A request counts in the month it was confirmed by the person who made it (or, for a request by letter or phone, the month it arrived). Days are counted from then to the answer.
figures-kind-access = Access (Art. 15)
figures-kind-rectification = Rectification (Art. 16)
figures-kind-erasure = Erasure (Art. 17)
figures-kind-restriction = Restriction (Art. 18)
figures-kind-portability = Data portability (Art. 20)
figures-kind-objection = Objection (Art. 21)
figures-kind-automated_decision = Automated decisions (Art. 22)
figures-kind-marketing_opt_out = Marketing opt-out (Art. 21(2))
figures-kind-withdraw_consent = Consent withdrawn (Art. 7(3))

ground-manifestly_unfounded = the request is manifestly unfounded (GDPR Art. 12(5)(b))
ground-excessive = the request is excessive, in particular because it is repeated (Art. 12(5)(b))
ground-cannot_identify = we cannot identify you from the information given (Art. 11(2) and 12(2))
ground-national_law = a restriction laid down in law (Art. 23)
ground-rights_of_others = giving it would adversely affect the rights and freedoms of others (Art. 15(4))
ground-accurate = the data is accurate and complete (Art. 16)
ground-no_erasure_ground = none of the grounds for erasure applies (Art. 17(1))
ground-freedom_of_expression = the data is needed for freedom of expression and information (Art. 17(3)(a))
ground-legal_obligation = we must keep the data by law (Art. 17(3)(b))
ground-public_health = the data is needed for public health (Art. 17(3)(c))
ground-archiving = the data is needed for archiving, research or statistics in the public interest (Art. 17(3)(d))
ground-legal_claims = the data is needed to establish, exercise or defend legal claims (Art. 17(3)(e))
ground-restriction_conditions = none of the conditions for restriction is met (Art. 18(1))
ground-portability_not_applicable = the right to data portability does not apply to this processing (Art. 20(1))
ground-compelling_grounds = compelling legitimate grounds override your objection (Art. 21(1))
ground-automated_decision_allowed = the decision is allowed by a contract, by law or by your explicit consent (Art. 22(2))

asked-heading = What you asked
asked-nothing = This request asks nothing more than its kind.
not-reached-lead = This package is not complete. These systems did not answer, so their data is not in it; it does not mean they hold nothing about you:
