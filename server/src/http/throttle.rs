//! Applies the rate limits (`service::throttle`) to the routes they guard,
//! before anything else runs: a refused attempt costs one counter update.

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderName, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};
use domain::AppError;
use portal::door::ApiError;
use portal::service::{Bucket, Service, ThrottleError};
use std::{net::SocketAddr, sync::Arc};

#[derive(Clone)]
pub struct ThrottleConfig {
    pub service: Arc<Service>,
    pub client_ip_header: Option<HeaderName>,
}

/// The bucket a POST to `path` counts against, if any.
pub fn bucket_of(path: &str) -> Option<Bucket> {
    match path {
        "/api/v1/requests" | "/_sfn/submit_request" | "/_sfn/resend_code" => Some(Bucket::Submit),
        "/_sfn/verify_code" | "/_sfn/confirm_link" => Some(Bucket::Verify),
        // Every step that guesses at a staff credential or mails one.
        "/_sfn/console/login"
        | "/_sfn/console/second_factor"
        | "/_sfn/console/forgot_password"
        | "/_sfn/console/reset_password"
        | "/_sfn/console/join"
        // The password again, from a signed-in session.
        | "/_sfn/console/change_password"
        | "/_sfn/console/confirm_enrolment"
        | "/_sfn/console/new_recovery_codes" => Some(Bucket::Login),
        _ => {
            let reference = path.strip_prefix("/api/v1/requests/")?;
            match reference.split_once('/')?.1 {
                "verify" => Some(Bucket::Verify),
                "resend" => Some(Bucket::Submit),
                _ => None,
            }
        }
    }
}

/// The client's address: the right-most entry of the configured header (the
/// one the load balancer itself wrote; entries left of it are whatever the
/// client sent), else the connection's peer.
pub fn client_address(request: &Request, trusted: Option<&HeaderName>) -> String {
    if let Some(name) = trusted {
        let forwarded = request
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty());
        if let Some(address) = forwarded {
            return address.to_owned();
        }
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Every request learns its client's address here (`ClientAddress`, for
/// the quotas and lockouts the service keeps per client), and the guarded
/// routes are counted.
pub async fn limit(
    State(config): State<ThrottleConfig>,
    mut request: Request,
    next: Next,
) -> Response {
    let client = client_address(&request, config.client_ip_header.as_ref());
    request
        .extensions_mut()
        .insert(portal::door::ClientAddress(client.clone()));
    let bucket = (request.method() == Method::POST)
        .then(|| bucket_of(request.uri().path()))
        .flatten();
    if let Some(bucket) = bucket {
        match config.service.throttle.throttle(bucket, &client).await {
            Ok(()) => {}
            Err(ThrottleError::Throttled(throttled)) => {
                let mut response = ApiError(AppError::RateLimited).into_response();
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(throttled.retry_after.max(1)),
                );
                return response;
            }
            Err(ThrottleError::App(error)) => return ApiError(error).into_response(),
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    #[test]
    fn the_guarded_routes_and_only_those_count() {
        assert_eq!(bucket_of("/api/v1/requests"), Some(Bucket::Submit));
        assert_eq!(
            bucket_of("/api/v1/requests/PR-AAAA-BBBB/verify"),
            Some(Bucket::Verify)
        );
        assert_eq!(
            bucket_of("/api/v1/requests/PR-AAAA-BBBB/resend"),
            Some(Bucket::Submit)
        );
        assert_eq!(bucket_of("/_sfn/console/login"), Some(Bucket::Login));
        assert_eq!(
            bucket_of("/_sfn/console/forgot_password"),
            Some(Bucket::Login)
        );
        assert_eq!(bucket_of("/_sfn/console/join"), Some(Bucket::Login));
        assert_eq!(bucket_of("/_sfn/verify_code"), Some(Bucket::Verify));
        for free in [
            "/api/v1/requests/PR-AAAA-BBBB",
            "/_sfn/track_request",
            "/o/demo",
            "/api/v1/requests/x/y/verify",
        ] {
            assert_eq!(bucket_of(free), None, "{free}");
        }
    }

    #[test]
    fn behind_a_proxy_the_right_most_forwarded_address_counts() {
        let header = HeaderName::from_static("x-forwarded-for");
        let request = Request::builder()
            .header("x-forwarded-for", "6.6.6.6, 10.0.0.1")
            .header("x-forwarded-for", "203.0.113.9")
            .body(Body::empty())
            .unwrap();
        assert_eq!(client_address(&request, Some(&header)), "203.0.113.9");
        // Not configured: the header is the client's say-so and is ignored.
        assert_eq!(client_address(&request, None), "unknown");
    }
}
