//! Waiting for frames: the barrier before each step, a quiet window, the grace at the end.

use super::*;

impl Engine<'_> {
    /// Takes in every live frame and close that arrives, until `deadline`, until `done` holds
    /// (asked before each wait).
    async fn drain_until(&mut self, deadline: Instant, done: fn(&Self) -> bool) {
        while !done(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some((conn, item))) => self.take(conn, item),
                _ => break,
            }
        }
    }

    /// Waits until every expectation so far is met, or the timeout; unmet ones fail.
    pub(super) async fn barrier(&mut self) {
        let deadline = Instant::now() + self.options.timeout;
        let started = Instant::now();
        self.drain_until(deadline, |engine| !engine.outstanding())
            .await;
        self.waiting += started.elapsed();
        let reason = format!(
            "did not arrive within {:.1} s",
            self.options.timeout.as_secs_f64()
        );
        let mut failures = Vec::new();
        let names: Vec<String> = self.conns.keys().cloned().collect();
        for name in names {
            let missing: Vec<(u64, Value, Key)> = self.conns[&name]
                .expected
                .iter()
                .filter(|e| !e.matched)
                .map(|e| (e.line, e.frame.clone(), e.key.clone()))
                .collect();
            for (line, frame, key) in missing {
                let closest = self.closest(&name, &frame, &key);
                let state = &self.conns[&name];
                let step = describe(&key, &state.actions);
                let closest = closest
                    .as_ref()
                    .map(|(label, live, diffs)| (label.clone(), live, diffs.as_slice()));
                failures.push(StepResult::missing(
                    Some(line),
                    &name,
                    step,
                    reason.clone(),
                    &frame,
                    closest,
                ));
            }
            self.state(&name).expected.clear();
        }
        failures.sort_by_key(|s| s.line);
        self.steps.extend(failures);
    }

    pub(super) async fn expect_none(
        &mut self,
        line: u64,
        conn: &str,
        event: Option<&str>,
        within: Duration,
    ) {
        let deadline = Instant::now() + within;
        self.drain_until(deadline, |_| false).await;
        let contract = self.contract;
        let state = self.state(conn);
        let offending = state.unclaimed.iter().position(|f| match event {
            Some(name) => contract.event_name(f) == Some(name),
            None => true,
        });
        let step = match event {
            Some(n) => format!("no `{n}` within {} ms", within.as_millis()),
            None => format!("no frame within {} ms", within.as_millis()),
        };
        match offending {
            None => self.steps.push(StepResult::pass(Some(line), conn, step)),
            Some(i) => {
                let frame = state.unclaimed.remove(i);
                let mut s =
                    StepResult::fail(Some(line), conn, step, "a frame arrived that must not");
                if let crate::Outcome::Fail { actual, .. } = &mut s.outcome {
                    *actual = Some(frame);
                }
                self.steps.push(s);
            }
        }
    }

    pub(super) async fn finish(&mut self) {
        self.barrier().await;
        let deadline = Instant::now() + self.options.grace;
        self.drain_until(deadline, |_| false).await;
        for name in self.order.clone() {
            self.report_server_close(&name, None);
            let Some(state) = self.conns.get_mut(&name) else {
                continue;
            };
            let unclaimed = std::mem::take(&mut state.unclaimed);
            for f in unclaimed {
                let why = self.unexpected(&name, &f);
                let mut s = StepResult::fail(None, &name, "unexpected frame", why);
                if let crate::Outcome::Fail { actual, .. } = &mut s.outcome {
                    *actual = Some(f);
                }
                self.steps.push(s);
            }
            let live = self.conns.get_mut(&name).and_then(|c| c.live.take());
            if let Some(mut live) = live {
                live.close().await;
            }
        }
    }
}
