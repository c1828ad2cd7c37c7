//! `server`: serves the portal, and runs the operator's commands.
//! See the README for configuration.

use clap::{Parser, Subcommand};
use domain::Role;
use portal::{audit, config::Settings, crypto, store::Store};
use server::{startup::Application, telemetry};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Work with the personal data sealed in the database.
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
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
    /// Print one-click unsubscribe links (RFC 8058) for an organisation's
    /// marketing mail: reads one address per line on standard input and
    /// writes CSV (address, url) for the mailing system. Send each mail
    /// with `List-Unsubscribe: <url>` and
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
    UnsubscribeLinks {
        #[arg(long)]
        org: String,
    },
    /// Work with privacy notices.
    Notice {
        #[command(subcommand)]
        command: NoticeCommand,
    },
}

#[derive(Subcommand)]
enum NoticeCommand {
    /// Turn a plain-text notice (as published on a web page) into the
    /// portal's content format: headings, bullet and numbered lists and
    /// definitions are recognised. Prints it, or writes it to --out.
    Import {
        /// The plain-text notice (UTF-8).
        file: std::path::PathBuf,
        /// Its language: en, nb or nl.
        #[arg(long)]
        lang: String,
        /// The title, when the text does not start with one.
        #[arg(long)]
        title: Option<String>,
        /// Where to write it, e.g. content/orgs/<org>/notice/nb.md. An
        /// existing file is not overwritten.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum DataCommand {
    /// Seal every value under the current PORTAL_DATA_KEY: run after moving
    /// the old key to PORTAL_DATA_KEYS_PREVIOUS; then the old key can go.
    Reseal,
    /// Write a consistent copy of the SQLite database to a new file while
    /// the portal serves (SQLite's VACUUM INTO). PostgreSQL: use pg_dump.
    Backup {
        /// The file to create; it must not exist.
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a staff account (or give an existing one a new password and
    /// role in the organisation): for the first admin of a deployment;
    /// admins invite everyone else from the console. The password comes
    /// from PORTAL_ADMIN_PASSWORD, or a strong one is generated and printed
    /// once.
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "admin")]
        role: Role,
    },
    /// Take an account's second factor away (a lost phone, and no admin of
    /// every organisation it belongs to can): its sessions end, and it
    /// enrols again at the next sign-in.
    ResetTwoFactor {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits 1 and names the first broken entry if any.
    Verify {
        /// A checkpoint printed earlier by `server audit checkpoint`: the
        /// chain must still reach it, unchanged (entries cut off the end
        /// are found this way).
        #[arg(long)]
        checkpoint: Option<audit::Checkpoint>,
    },
    /// Print the chain's newest entry as `<id>:<hash>`, to keep outside the
    /// database (a ticket, a log, a notebook) for `verify --checkpoint`.
    Checkpoint,
    /// Key a chain written before this version (once, after upgrading):
    /// checks every link, then links every entry with the keyed hash.
    Key,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let sources = portal::config::Sources::load()?;
    telemetry::init(sources.json_logs()?);
    if let Some(Command::Notice {
        command:
            NoticeCommand::Import {
                file,
                lang,
                title,
                out,
            },
    }) = &cli.command
    {
        return import_notice(file, lang, title.as_deref(), out.as_deref());
    }
    let settings = Settings::from_sources(&sources)?;
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
            match service
                .accounts
                .create_staff(&email, &password, &org, role)
                .await
            {
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
        Command::Admin {
            command: AdminCommand::ResetTwoFactor { email },
        } => {
            let service = server::startup::build_service(&settings, base_url_of(&settings)).await?;
            match service
                .accounts
                .reset_two_factor_from_command_line(&email)
                .await
            {
                Ok(()) => {
                    println!(
                        "{email} has no second factor now; it enrols again at the next sign-in"
                    );
                    Ok(())
                }
                Err(error) => {
                    eprintln!("could not reset the second factor: {error}");
                    std::process::exit(2);
                }
            }
        }
        Command::Notice { .. } => unreachable!("handled before the settings are read"),
        Command::UnsubscribeLinks { org } => {
            let base_url = settings.base_url.clone().unwrap_or_else(|| {
                url::Url::parse(&format!("http://{}", settings.listen))
                    .expect("an address makes a URL")
            });
            let service = server::startup::build_service(&settings, base_url).await?;
            let mut out = csv::Writer::from_writer(std::io::stdout());
            out.write_record(["address", "url"])?;
            for line in std::io::stdin().lines() {
                let line = line?;
                let Ok(email) = domain::Email::parse(line.trim()) else {
                    if !line.trim().is_empty() {
                        eprintln!("skipped, not an e-mail address: {line:?}");
                    }
                    continue;
                };
                let url = service
                    .consents
                    .unsubscribe_url(&org, email.as_str())
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                out.write_record([email.as_str(), url.as_str()])?;
            }
            out.flush()?;
            Ok(())
        }
        Command::Data {
            command: DataCommand::Reseal,
        } => {
            let base_url = settings.base_url.clone().unwrap_or_else(|| {
                url::Url::parse(&format!("http://{}", settings.listen)).expect("an address")
            });
            let service = server::startup::build_service(&settings, base_url).await?;
            let rewritten = service.upkeep.reseal().await?;
            println!("resealed {rewritten} values under the current data key");
            Ok(())
        }
        Command::Data {
            command: DataCommand::Backup { to },
        } => {
            let store = Store::connect(&settings.database_url).await?;
            let bytes = store.backup_to(&to).await?;
            println!("backup written to {} ({bytes} bytes)", to.display());
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { checkpoint },
        } => {
            // The chain's key comes from the server secret: the same
            // settings as the servers.
            let service = server::startup::build_service(&settings, base_url_of(&settings)).await?;
            match service.trail.verify_audit(checkpoint.as_ref()).await? {
                audit::Verdict::Intact { entries } => {
                    let reached = checkpoint
                        .map(|c| format!(", and it reaches checkpoint {}", c.id))
                        .unwrap_or_default();
                    println!("audit log intact: {entries} entries, every link checks out{reached}");
                    Ok(())
                }
                audit::Verdict::Unkeyed { entries, unkeyed } => {
                    println!(
                        "audit log NOT KEYED: {unkeyed} of {entries} entries have plain links. If this database \
                         was written before the chain was keyed, run `server audit key` once; \
                         otherwise the chain was written anew by someone without the key"
                    );
                    std::process::exit(1);
                }
                audit::Verdict::Broken { id, reason } => {
                    println!("audit log BROKEN at entry {id}: {reason}");
                    std::process::exit(1);
                }
            }
        }
        Command::Audit {
            command: AuditCommand::Key,
        } => {
            let service = server::startup::build_service(&settings, base_url_of(&settings)).await?;
            match service.trail.key_audit_chain().await? {
                audit::Keying::Keyed(entries) => {
                    println!(
                        "audit log keyed: {entries} entries written before were checked and keyed"
                    );
                    Ok(())
                }
                audit::Keying::AlreadyKeyed => {
                    println!("audit log already keyed: nothing to do");
                    Ok(())
                }
                audit::Keying::Broken(id) => {
                    println!(
                        "audit log BROKEN at entry {id}: not keyed; see `server audit verify`"
                    );
                    std::process::exit(1);
                }
            }
        }
        Command::Audit {
            command: AuditCommand::Checkpoint,
        } => {
            let store = Store::connect(&settings.database_url).await?;
            match audit::head(store.pool()).await? {
                Some(head) => {
                    println!("{head}");
                    Ok(())
                }
                None => {
                    eprintln!("the audit log is empty");
                    std::process::exit(1);
                }
            }
        }
    }
}

/// The portal's public address, for commands that build links.
fn base_url_of(settings: &Settings) -> url::Url {
    settings.base_url.clone().unwrap_or_else(|| {
        url::Url::parse(&format!("http://{}", settings.listen)).expect("an address makes a URL")
    })
}

/// `server notice import`: needs no configuration or database.
fn import_notice(
    file: &std::path::Path,
    lang: &str,
    title: Option<&str>,
    out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let language = domain::Language::parse(lang)
        .ok_or_else(|| anyhow::anyhow!("--lang must be en, nb or nl, not {lang:?}"))?;
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let imported = portal::notice_import::import(&text, language, title, &today)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    match out {
        None => print!("{imported}"),
        Some(path) => {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| {
                    anyhow::anyhow!(
                        "cannot create {} (it is not overwritten): {e}",
                        path.display()
                    )
                })?;
            file.write_all(imported.as_bytes())?;
            eprintln!(
                "wrote {}; check the headings and fill in the front matter",
                path.display()
            );
        }
    }
    Ok(())
}
