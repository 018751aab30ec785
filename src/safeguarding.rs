//! The safeguarding checklist a volunteer works through on a high-risk call,
//! and the signposting directory it offers.
//!
//! A call stores its safeguarding steps as short sentences (see
//! [`crate::model::CallDetails::safeguarding`]), so the CLI, an import and the
//! app all record the same thing and an older store reads unchanged. This
//! module turns the app's checklist into those sentences and back; a step it
//! does not recognise is kept as written, never dropped.

use serde::{Deserialize, Serialize};

use crate::model::RiskLevel;

const ASKED_DIRECTLY: &str = "Asked directly about suicide";
const PLAN: &str = "Plan discussed";
const MEANS: &str = "Means discussed";
const TIMEFRAME: &str = "Timeframe discussed";
const EMERGENCY_SERVICES: &str = "Emergency services called";
const SIGNPOSTED: &str = "Signposted: ";
const COORDINATOR: &str = "Coordinator consulted";
const COORDINATOR_AT: &str = "Coordinator consulted at ";

/// A yes-or-no step on the checklist, named as the checklist's field, with
/// the sentence stored when it is ticked as its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum ChecklistStep {
    AskedDirectlyAboutSuicide,
    PlanDiscussed,
    MeansDiscussed,
    TimeframeDiscussed,
    EmergencyServicesCalled,
}

impl ChecklistStep {
    /// In the order the checklist shows them and the steps are stored.
    pub const ALL: &'static [ChecklistStep] = &[
        ChecklistStep::AskedDirectlyAboutSuicide,
        ChecklistStep::PlanDiscussed,
        ChecklistStep::MeansDiscussed,
        ChecklistStep::TimeframeDiscussed,
        ChecklistStep::EmergencyServicesCalled,
    ];

    /// What the checklist shows, and the sentence stored with the call.
    pub fn label(self) -> &'static str {
        match self {
            ChecklistStep::AskedDirectlyAboutSuicide => ASKED_DIRECTLY,
            ChecklistStep::PlanDiscussed => PLAN,
            ChecklistStep::MeansDiscussed => MEANS,
            ChecklistStep::TimeframeDiscussed => TIMEFRAME,
            ChecklistStep::EmergencyServicesCalled => EMERGENCY_SERVICES,
        }
    }
}

/// What the checklist calls consulting the coordinator.
pub const COORDINATOR_CONSULTED: &str = COORDINATOR;

/// What was done to keep a caller safe, as the app's checklist shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct SafeguardingChecklist {
    pub asked_directly_about_suicide: bool,
    pub plan_discussed: bool,
    pub means_discussed: bool,
    pub timeframe_discussed: bool,
    pub emergency_services_called: bool,
    /// The directory entries given to the caller, as shown ("Samaritans 116 123").
    pub signposted: Vec<String>,
    pub coordinator_consulted: bool,
    /// When the coordinator was consulted, as the volunteer wrote it ("14:20").
    pub coordinator_consulted_at: String,
    /// Steps recorded some other way (the CLI, an import), kept as written.
    pub other_steps: Vec<String>,
}

impl SafeguardingChecklist {
    /// The checklist as the sentences stored with the call, in a fixed order.
    pub fn to_steps(&self) -> Vec<String> {
        let mut steps = Vec::new();
        steps.extend(
            ChecklistStep::ALL
                .iter()
                .filter(|step| self.ticked(**step))
                .map(|step| step.label().to_string()),
        );
        steps.extend(
            self.signposted
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(|s| format!("{SIGNPOSTED}{s}")),
        );
        if self.coordinator_consulted {
            let when = self.coordinator_consulted_at.trim();
            steps.push(if when.is_empty() {
                COORDINATOR.to_string()
            } else {
                format!("{COORDINATOR_AT}{when}")
            });
        }
        steps.extend(
            self.other_steps
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
        steps
    }

    /// Reads stored sentences back into the checklist.
    pub fn from_steps(steps: &[String]) -> SafeguardingChecklist {
        let mut list = SafeguardingChecklist::default();
        for step in steps {
            match step.as_str() {
                ASKED_DIRECTLY => list.asked_directly_about_suicide = true,
                PLAN => list.plan_discussed = true,
                MEANS => list.means_discussed = true,
                TIMEFRAME => list.timeframe_discussed = true,
                EMERGENCY_SERVICES => list.emergency_services_called = true,
                COORDINATOR => list.coordinator_consulted = true,
                s => {
                    if let Some(entry) = s.strip_prefix(SIGNPOSTED) {
                        list.signposted.push(entry.to_string());
                    } else if let Some(when) = s.strip_prefix(COORDINATOR_AT) {
                        list.coordinator_consulted = true;
                        list.coordinator_consulted_at = when.to_string();
                    } else {
                        list.other_steps.push(s.to_string());
                    }
                }
            }
        }
        list
    }

    /// Whether `step` is ticked.
    pub fn ticked(&self, step: ChecklistStep) -> bool {
        match step {
            ChecklistStep::AskedDirectlyAboutSuicide => self.asked_directly_about_suicide,
            ChecklistStep::PlanDiscussed => self.plan_discussed,
            ChecklistStep::MeansDiscussed => self.means_discussed,
            ChecklistStep::TimeframeDiscussed => self.timeframe_discussed,
            ChecklistStep::EmergencyServicesCalled => self.emergency_services_called,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.to_steps().is_empty()
    }
}

/// Whether the app should open the safeguarding panel for this risk level.
/// It guides the volunteer; it never stops a call being saved.
pub fn panel_opens_for(risk: RiskLevel) -> bool {
    matches!(risk, RiskLevel::High | RiskLevel::Imminent)
}

/// One entry in the signposting directory the volunteer can give a caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Signpost {
    pub name: String,
    pub contact: String,
}

impl Signpost {
    fn new(name: &str, contact: &str) -> Signpost {
        Signpost {
            name: name.into(),
            contact: contact.into(),
        }
    }

    /// How the entry is recorded with a call and shown on screen.
    pub fn display(&self) -> String {
        format!("{} {}", self.name.trim(), self.contact.trim())
            .trim()
            .to_string()
    }
}

/// The directory a new store starts with; volunteers can edit it in settings.
pub fn default_directory() -> Vec<Signpost> {
    vec![
        Signpost::new("Samaritans", "116 123"),
        Signpost::new("Education Support", "08000 562 561"),
        Signpost::new("NHS 111", "option 2 (mental health)"),
        Signpost::new("Emergency services", "999"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_checklist_survives_the_round_trip_through_stored_steps() {
        let list = SafeguardingChecklist {
            asked_directly_about_suicide: true,
            plan_discussed: true,
            means_discussed: false,
            timeframe_discussed: true,
            emergency_services_called: false,
            signposted: vec!["Samaritans 116 123".into(), "NHS 111 option 2".into()],
            coordinator_consulted: true,
            coordinator_consulted_at: "14:20".into(),
            other_steps: vec!["Agreed a safety plan".into()],
        };
        let steps = list.to_steps();
        assert_eq!(
            steps,
            vec![
                "Asked directly about suicide",
                "Plan discussed",
                "Timeframe discussed",
                "Signposted: Samaritans 116 123",
                "Signposted: NHS 111 option 2",
                "Coordinator consulted at 14:20",
                "Agreed a safety plan",
            ]
        );
        assert_eq!(SafeguardingChecklist::from_steps(&steps), list);
    }

    #[test]
    fn steps_written_elsewhere_are_kept_as_written() {
        let steps = vec!["Called the GP with consent".to_string()];
        let list = SafeguardingChecklist::from_steps(&steps);
        assert_eq!(list.other_steps, steps);
        assert_eq!(list.to_steps(), steps);
    }

    #[test]
    fn blank_entries_are_not_recorded() {
        let list = SafeguardingChecklist {
            signposted: vec!["  ".into()],
            other_steps: vec![String::new()],
            ..Default::default()
        };
        assert!(list.is_empty());
    }

    #[test]
    fn the_panel_opens_only_for_high_and_imminent_risk() {
        let opens: Vec<_> = RiskLevel::ALL
            .iter()
            .filter(|r| panel_opens_for(**r))
            .map(|r| r.id())
            .collect();
        assert_eq!(opens, ["high", "imminent"]);
    }

    #[test]
    fn the_default_directory_has_the_numbers_volunteers_need() {
        let shown: Vec<_> = default_directory().iter().map(Signpost::display).collect();
        assert!(shown.contains(&"Samaritans 116 123".to_string()));
        assert!(shown.contains(&"Education Support 08000 562 561".to_string()));
        assert!(shown.iter().any(|s| s.starts_with("NHS 111 option 2")));
        assert!(shown.iter().any(|s| s.ends_with("999")));
    }
}
