//! `SimulatePolicyResponse` as XML, in the member order of AWS's answers.
use awsquery::XmlWriter;
use simulator::response::{
    EvalDecisionDetails, EvaluationResult, MatchedStatement, Position, ResourceSpecificResult,
    SimulationOutput,
};

pub fn simulation(w: &mut XmlWriter, output: &SimulationOutput) {
    w.list("EvaluationResults", &output.evaluation_results, result);
    w.bool("IsTruncated", output.is_truncated);
    w.opt_text("Marker", output.marker.as_deref());
}

fn result(w: &mut XmlWriter, r: &EvaluationResult) {
    w.text("EvalActionName", &r.eval_action_name)
        .text("EvalResourceName", &r.eval_resource_name)
        .text("EvalDecision", r.eval_decision);
    w.list("MatchedStatements", &r.matched_statements, statement);
    w.text_list("MissingContextValues", &r.missing_context_values);
    if let Some(d) = r.organizations_decision_detail {
        w.element("OrganizationsDecisionDetail", |w| {
            w.bool("AllowedByOrganizations", d.allowed_by_organizations);
        });
    }
    if let Some(d) = r.permissions_boundary_decision_detail {
        boundary_detail(w, d.allowed_by_permissions_boundary);
    }
    if let Some(d) = &r.eval_decision_details {
        details(w, d);
    }
    if let Some(list) = &r.resource_specific_results {
        w.list("ResourceSpecificResults", list, resource_result);
    }
}

fn resource_result(w: &mut XmlWriter, r: &ResourceSpecificResult) {
    w.text("EvalResourceName", &r.eval_resource_name)
        .text("EvalResourceDecision", r.eval_resource_decision);
    w.list("MatchedStatements", &r.matched_statements, statement);
    w.text_list("MissingContextValues", &r.missing_context_values);
    if let Some(d) = &r.eval_decision_details {
        details(w, d);
    }
    if let Some(d) = r.permissions_boundary_decision_detail {
        boundary_detail(w, d.allowed_by_permissions_boundary);
    }
}

fn statement(w: &mut XmlWriter, s: &MatchedStatement) {
    w.text("SourcePolicyId", &s.source_policy_id)
        .text("SourcePolicyType", &s.source_policy_type);
    position(w, "StartPosition", s.start_position);
    position(w, "EndPosition", s.end_position);
}

fn position(w: &mut XmlWriter, name: &str, p: Position) {
    w.element(name, |w| {
        w.display("Line", p.line).display("Column", p.column);
    });
}

fn boundary_detail(w: &mut XmlWriter, allowed: bool) {
    w.element("PermissionsBoundaryDecisionDetail", |w| {
        w.bool("AllowedByPermissionsBoundary", allowed);
    });
}

fn details(w: &mut XmlWriter, d: &EvalDecisionDetails) {
    w.map("EvalDecisionDetails", d.entries());
}
