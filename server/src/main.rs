//! `server`: serves the portal, and runs the operator's commands.
//! See the README for configuration.

use app::domain::Role;
use clap::{Parser, Subcommand};
use server::{audit, config::Settings, crypto, startup::Application, store::Store, telemetry};

#[derive(Parser)]
#[command(name = "server", about = "The privacy portal")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Work with the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Manage staff accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a staff account (or give an existing one a new password and
    /// role in the organisation). The password comes from
    /// PORTAL_ADMIN_PASSWORD, or a strong one is generated and printed once.
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "admin")]
        role: Role,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits 1 and names the first broken entry if any.
    Verify,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    let cli = Cli::parse();
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let application = Application::build(settings).await?;
            tracing::info!(address = %application.address(), base_url = %application.base_url(), "portal listening");
            application.run_until_stopped().await
        }
        Command::Admin {
            command: AdminCommand::Create { org, email, role },
        } => {
            let given = std::env::var("PORTAL_ADMIN_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty());
            let password = given
                .clone()
                .unwrap_or_else(|| crypto::expose(&crypto::new_token()).to_owned());
            let base_url = settings.base_url.clone().unwrap_or_else(|| {
                url::Url::parse(&format!("http://{}", settings.listen))
                    .expect("an address makes a URL")
            });
            let service = server::startup::build_service(&settings, base_url.clone()).await?;
            match service.create_staff(&email, &password, &org, role).await {
                Ok(_) => {
                    let login = base_url
                        .join("/console/login")
                        .map(|u| u.to_string())
                        .unwrap_or_default();
                    println!("{role} {email} can now sign in to {org} at {login}");
                    if given.is_none() {
                        println!("Password (shown once, store it safely): {password}");
                    }
                    Ok(())
                }
                Err(error) => {
                    eprintln!("could not create the account: {error}");
                    std::process::exit(2);
                }
            }
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let store = Store::connect(&settings.database_url).await?;
            match audit::verify(store.pool()).await? {
                audit::Verdict::Intact { entries } => {
                    println!("audit log intact: {entries} entries, every link checks out");
                    Ok(())
                }
                audit::Verdict::Broken { id, reason } => {
                    println!("audit log BROKEN at entry {id}: {reason}");
                    std::process::exit(1);
                }
            }
        }
    }
}
