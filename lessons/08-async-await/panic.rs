//! One malformed page: a task that panics

use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=20 = 5,
    latency_ms: 0..=3000 = 500,
    broken_page: 1..=20 = 3,
}

/// The text between `<title>` and `</title>`. It trusts every page to have one.
fn title(html: &str) -> &str {
    let start = html.find("<title>").expect("every page has a <title>") + "<title>".len();
    let end = html[start..]
        .find("</title>")
        .expect("every <title> is closed");
    &html[start..start + end]
}

async fn read_title(n: u32, knobs: Knobs) -> Result {
    let url = slow_web::page(n).delay(knobs.latency_ms).to_url();
    let mut html = fetch(url).await?.error_for_status()?.text();
    if n == knobs.broken_page {
        // This page lost its <title> on the way: `title` is about to panic.
        html = html.replace("<title>", "");
    }
    println!("page {n}: {}", title(&html));
    Ok(())
}

pub async fn run(knobs: Knobs) -> Result {
    let tasks: Vec<_> = (1..=knobs.pages)
        .map(|n| spawn_named(format!("page {n}"), read_title(n, knobs)))
        .collect();
    for task in tasks {
        // On a native target the panic is caught: this task's handle returns an error and
        // the others are untouched. In the browser a panic aborts the whole WebAssembly
        // instance, so the runner worker is replaced and the card shows the panic instead.
        task.await??;
    }
    Ok(())
}
