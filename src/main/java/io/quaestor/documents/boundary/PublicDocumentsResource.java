package io.quaestor.documents.boundary;

import io.quaestor.documents.control.DocumentGenerator;
import io.quaestor.documents.control.Documents;
import io.quaestor.platform.problem.NotFoundException;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;

/** What data subjects read without signing in: the privacy policy, sub-processor list and security commitments in force. */
@Path("public/documents/{kind}")
@Tag(name = "Documents")
public class PublicDocumentsResource {

    @Inject
    Documents documents;

    @Inject
    Clock clock;

    @GET
    @PermitAll
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML, "application/pdf"})
    @Operation(summary = "A public document as in force now (privacy-policy, sub-processors, security-commitments), as JSON, HTML or PDF")
    public Response current(@PathParam("kind") String kind, @QueryParam("language") String language, @HeaderParam("Accept") String accept) {
        DocumentGenerator.Kind k = DocumentsResource.kind(kind);
        if (!k.isPublic) {
            throw new NotFoundException("There is no public document " + kind + ".");
        }
        String lang = DocumentsResource.language(language);
        Documents.Version v = documents.inForce(k, lang, clock.instant())
                .orElseThrow(() -> new NotFoundException("No version of " + k.slug + " in " + lang + " is published yet."));
        return DocumentsResource.render(v, accept);
    }
}
