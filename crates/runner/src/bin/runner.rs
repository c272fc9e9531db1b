//! The runner worker's entry point; natively, a command that runs a snippet on the virtual host.

#[cfg(target_arch = "wasm32")]
fn main() {
    runner::worker::boot();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use protocol::{KnobValues, Network, RunRequest};
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [lesson, snippet, knob_args @ ..] = args.as_slice() else {
        eprintln!(
            "usage: runner LESSON SNIPPET [knob=value ...]   e.g. runner 08-async-await crawl pages=5"
        );
        std::process::exit(2);
    };
    let mut knobs = KnobValues::new();
    for arg in knob_args {
        let Some((k, v)) = arg.split_once('=') else {
            eprintln!("knobs are written name=value, not {arg:?}");
            std::process::exit(2);
        };
        let Ok(v) = v.parse() else {
            eprintln!("{k}: {v:?} is not a number");
            std::process::exit(2);
        };
        knobs.insert(k.to_owned(), v);
    }
    let request = RunRequest {
        id: 0,
        lesson: lesson.clone(),
        snippet: snippet.clone(),
        knobs,
        network: Network::Virtual,
        base_url: String::new(),
        scheduler: Default::default(),
        step_mode: false,
    };
    let (report, trace) = runner::run::run_virtual(&request);
    if std::env::var_os("TRACE").is_some() {
        for record in &trace {
            println!("{record}");
        }
    }
    for line in &report.output {
        println!("{:>9.1} ms  {}", line.t_ms, line.text);
    }
    println!(
        "elapsed {} ms (virtual), {:?}",
        report.elapsed_ms, report.trace
    );
    if let Some(error) = report.error {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}
