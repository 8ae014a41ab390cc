package io.berth.console;

import io.berth.ecr.EcrApi;
import io.berth.iam.IamApi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Map;

/**
 * What the console's forms do: each form is one call of an ECR or IAM operation, made in-process as the signed-in
 * user, so that it is checked against the operation's model, decided by the same policies, and recorded in the audit
 * trail as the API call it is, exactly as if the AWS CLI had made it.
 */
@ApplicationScoped
public class ConsoleActions {

    @Inject
    EcrApi ecr;

    @Inject
    IamApi iam;

    EcrApi.Outcome ecr(ConsolePage page, String operation, JsonObject input) {
        return ecr.call(page.audit(), page.caller(), operation, input, page.origin(), page.address());
    }

    IamApi.Outcome iam(ConsolePage page, String action, Map<String, String> parameters) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("Action", action);
        parameters.forEach(form::putSingle);
        return iam.call(page.audit(), page.caller(), form);
    }
}
