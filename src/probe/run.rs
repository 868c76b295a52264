//! `run:` a command, then its exit status, output lines and duration.

use std::ffi::OsString;

use super::{Context, shorten};
use crate::duration;
use crate::exec::Capture;
use crate::outcome::{Ended, Evidence, Findings};
use crate::spec::{CommandSpec, Pattern, RunSpec};

pub fn check(spec: &RunSpec, ctx: &Context<'_>) -> Findings {
    let argv: Vec<OsString> = match &spec.command {
        CommandSpec::Script(script) => vec!["bash".into(), "-c".into(), script.into()],
        CommandSpec::Argv(argv) => argv.iter().map(OsString::from).collect(),
    };
    let finished = ctx.run(&argv, &spec.command.to_string());
    let record = &finished.record;
    let mut evidence = vec![Evidence::new(
        "run",
        "exit status",
        record.ended == Ended::Exit(spec.exit),
        format!("exit {}", spec.exit),
        record.ended.to_string(),
    )];
    let streams = [
        ("stdout", &finished.stdout, &spec.stdout, &spec.stdout_excludes),
        ("stderr", &finished.stderr, &spec.stderr, &spec.stderr_excludes),
    ];
    for (stream, capture, wanted, unwanted) in streams {
        let expectations = wanted.iter().map(|p| (p, true)).chain(unwanted.iter().map(|p| (p, false)));
        for (pattern, want) in expectations {
            evidence.push(line_evidence(stream, capture, pattern, want, ctx));
        }
    }
    if let Some(limit) = spec.max_duration {
        evidence.push(Evidence::new(
            "run",
            "duration",
            record.duration <= limit,
            format!("at most {}", duration::display(limit)),
            duration::display(record.duration),
        ));
    }
    Findings { evidence, commands: vec![finished.record] }
}

/// Whether some line of `capture` matches `pattern`, as `want` requires; the first
/// matching line (shortened, secrets scrubbed) is the evidence.
fn line_evidence(
    stream: &str,
    capture: &Capture,
    pattern: &Pattern,
    want: bool,
    ctx: &Context<'_>,
) -> Evidence {
    let expected = match want {
        true => format!("a line matching {pattern}"),
        false => format!("no line matching {pattern}"),
    };
    let mut found = None;
    let scanned = capture.any_line(|line| {
        let hit = pattern.0.is_match(line);
        if hit {
            found = Some(shorten(&ctx.env.secrets.scrub(line), 200));
        }
        hit
    });
    match scanned {
        Ok(hit) => {
            let found = found.map_or_else(|| "no line matches".to_string(), |line| format!("line `{line}`"));
            Evidence::new("run", stream, hit == want, expected, found)
        }
        Err(err) => Evidence::new("run", stream, false, expected, format!("output unreadable: {err}")),
    }
}
