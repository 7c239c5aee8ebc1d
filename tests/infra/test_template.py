"""The deployment templates: cfn-lint, and every security property asserted so none regresses.

moto's CloudFormation ignores the SAM transform and drops bucket settings (shared/RECIPES.md), so
the templates are read as data and checked property by property.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

import shared_rules
from handler import app as handler_app
from handler.candidats import doublons, ownership, rappel, registrations
from handler.candidats.access_link import NUMBER_WINDOW
from handler.candidats.access_tokens import LINK_SECONDS, PROOF_SECONDS
from handler.dossier import courriels
from handler.platform import config as handler_config
from handler.platform import origin, security_headers, storage
from handler.staff import jobs, rest
from shared_rules.pieces import ORPHELINS_JOURS, QUARANTAINE_JOURS
from shared_rules.session import DEFAULT_SESSION_CODE
from tests.factories import ROOT
from tests.infra.cfn_yaml import load_template
from tests.node import node

INFRA = Path(__file__).resolve().parents[2] / "infra"
TEMPLATES = sorted(INFRA.glob("*.yaml"))

# The dossiers bucket's application prefixes, the only keys the functions may touch: the
# handler's own list (handler.platform.storage.PREFIXES), so a new prefix can't be forgotten here.
PREFIXES = storage.PREFIXES
HANDLER_ENVIRONMENT = ("DOSSIERS_BUCKET", "SITE_ORIGIN", "SITE_URL", "INSCRIPTION_SESSION",
                       "INSCRIPTION_ENV", "MAIL_FROM", "STAFF_TOKEN_HASHES", "STAFF_ACCOUNTS",
                       "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET_ARN",
                       "STAFF_SESSION_SECRET_ARN")
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ONE_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(INFRA / "template.yaml")


@pytest.fixture(scope="module")
def edge() -> dict[str, Any]:
    return load_template(INFRA / "edge.yaml")


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    return template["Resources"]


def props(resources: dict[str, Any], name: str) -> dict[str, Any]:
    return resources[name]["Properties"]


def of_type(resources: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in resources.items() if r["Type"] == kind}


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = document["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_of_bucket(resources: dict[str, Any], bucket: str) -> dict[str, Any]:
    (policy,) = [r["Properties"]["PolicyDocument"]
                 for r in of_type(resources, "AWS::S3::BucketPolicy").values()
                 if r["Properties"]["Bucket"] == {"Ref": bucket}]
    return policy


def _csp_for(policy: Any, bucket: str) -> str:
    """The template's policy (a !Sub on the dossiers bucket) for a bucket of that name."""
    text = policy["Fn::Sub"] if isinstance(policy, dict) else policy
    assert set(re.findall(r"\$\{([^}]+)\}", text)) <= {"DossiersBucket", "AWS::Region"}
    return str(text).replace("${DossiersBucket}", bucket).replace("${AWS::Region}", "eu-west-3")


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


# -- cfn-lint -----------------------------------------------------------------------------------

def test_infra_holds_the_main_and_the_edge_templates() -> None:
    assert {path.name for path in TEMPLATES} == {"template.yaml", "edge.yaml"}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_cfn_lint_passes(path: Path) -> None:
    # cfn-lint 1.58 has no `python -m cfnlint`; its runner reads sys.argv.
    lint = "import sys; from cfnlint.runner import main; sys.exit(main())"
    result = subprocess.run([sys.executable, "-c", lint, str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


# -- one source for the session and its retention period -----------------------------------------

def test_retention_default_is_the_session_files_retention_period(template: dict[str, Any]) -> None:
    session = shared_rules.get_session("cap-limoges-2021-06")
    assert session is not None
    assert template["Parameters"]["RetentionDays"]["Default"] == session.conservation_jours


def test_session_default_is_the_default_session(template: dict[str, Any]) -> None:
    assert template["Parameters"]["InscriptionSession"]["Default"] == DEFAULT_SESSION_CODE


# -- the dossiers bucket ----------------------------------------------------------------------

@pytest.mark.parametrize("bucket", ["DossiersBucket", "SiteBucket"])
def test_bucket_blocks_all_public_access_and_encrypts_at_rest(
        resources: dict[str, Any], bucket: str) -> None:
    properties = props(resources, bucket)
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True,
        "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert properties["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_dossiers_bucket_is_versioned_and_outlives_the_stack(resources: dict[str, Any]) -> None:
    bucket = resources["DossiersBucket"]
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["DeletionPolicy"] == "Retain"
    assert bucket["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("bucket", ["DossiersBucket", "SiteBucket"])
def test_bucket_policy_refuses_requests_without_tls(resources: dict[str, Any], bucket: str) -> None:
    denials = [s for s in statements(policy_of_bucket(resources, bucket))
               if s["Effect"] == "Deny"
               and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}]
    assert len(denials) == 1
    (deny,) = denials
    assert deny["Principal"] == "*"
    assert deny["Action"] == "s3:*"
    assert as_list(deny["Resource"]) == [{"Fn::GetAtt": [bucket, "Arn"]},
                                         {"Fn::Sub": f"${{{bucket}.Arn}}/*"}]


def test_dossiers_bucket_policy_grants_nothing(resources: dict[str, Any]) -> None:
    policy = policy_of_bucket(resources, "DossiersBucket")
    assert [s for s in statements(policy) if s["Effect"] != "Deny"] == []


def test_lifecycle_deletes_every_version_after_the_retention_period(
        resources: dict[str, Any]) -> None:
    rules = props(resources, "DossiersBucket")["LifecycleConfiguration"]["Rules"]
    whole_bucket = [r for r in rules if "Prefix" not in r and "Filter" not in r
                    and "ExpirationInDays" in r]
    assert len(whole_bucket) == 1
    (rule,) = whole_bucket
    assert rule["Status"] == "Enabled"
    assert rule["ExpirationInDays"] == {"Ref": "RetentionDays"}
    assert rule["NoncurrentVersionExpiration"] == {
        "NoncurrentDays": {"Ref": "NoncurrentVersionDays"}}


def test_lifecycle_keeps_exports_a_shorter_time(
        template: dict[str, Any], resources: dict[str, Any]) -> None:
    rules = props(resources, "DossiersBucket")["LifecycleConfiguration"]["Rules"]
    (rule,) = [r for r in rules if r.get("Prefix") == "exports/"]
    assert rule["Status"] == "Enabled"
    assert rule["ExpirationInDays"] == {"Ref": "ExportRetentionDays"}
    parameters = template["Parameters"]
    assert parameters["ExportRetentionDays"]["Default"] < parameters["RetentionDays"]["Default"]


# -- least privilege --------------------------------------------------------------------------

def test_functions_read_and_write_only_the_application_prefixes(
        resources: dict[str, Any]) -> None:
    document = props(resources, "DossiersAccessPolicy")["PolicyDocument"]
    objects, listing, versions, tags = statements(document)
    # Erasure deletes every version, and reads the earlier versions of an index shard to find
    # those holding the erased entry; a failed export aborts its multipart upload.
    assert sorted(objects["Action"]) == ["s3:AbortMultipartUpload", "s3:DeleteObject",
                                         "s3:DeleteObjectVersion", "s3:GetObject",
                                         "s3:GetObjectVersion", "s3:PutObject"]
    assert objects["Resource"] == [
        {"Fn::Sub": f"${{DossiersBucket.Arn}}/{prefix}/*"} for prefix in PREFIXES]
    for statement, action in ((listing, "s3:ListBucket"), (versions, "s3:ListBucketVersions")):
        assert statement["Action"] == action
        assert statement["Resource"] == {"Fn::GetAtt": ["DossiersBucket", "Arn"]}
        assert statement["Condition"] == {
            "StringLike": {"s3:prefix": [f"{p}/*" for p in PREFIXES]}}
    # GuardDuty's verdict is read from the uploads' tags, and only there.
    assert tags == {"Sid": "TagsOfUploads", "Effect": "Allow",
                    "Action": ["s3:GetObjectTagging", "s3:PutObjectTagging"],
                    "Resource": {"Fn::Sub": "${DossiersBucket.Arn}/televersements/*"}}


@pytest.mark.parametrize("function, role", [("HandlerFunction", "HandlerRole"),
                                            ("ExportFunction", "ExportRole"),
                                            ("MailRetryFunction", "MailRetryRole"),
                                            ("ReminderFunction", "ReminderRole"),
                                            ("IndexCompactionFunction", "IndexCompactionRole")])
def test_each_function_has_its_own_role_with_the_prefix_policy(
        resources: dict[str, Any], function: str, role: str) -> None:
    properties = props(resources, function)
    # An explicit role: SAM then adds no policy of its own.
    assert properties["Role"] == {"Fn::GetAtt": [role, "Arn"]}
    assert "Policies" not in properties
    assert props(resources, role)["ManagedPolicyArns"] == [{"Ref": "DossiersAccessPolicy"}]


def test_no_role_allows_a_wildcard_action_or_resource(resources: dict[str, Any]) -> None:
    documents = [props(resources, "DossiersAccessPolicy")["PolicyDocument"]]
    for role in of_type(resources, "AWS::IAM::Role").values():
        documents += [policy["PolicyDocument"] for policy in role["Properties"]["Policies"]]
    for document in documents:
        for statement in statements(document):
            assert statement["Effect"] == "Allow"
            for action in as_list(statement["Action"]):
                assert "*" not in action, statement
            assert "*" not in as_list(statement["Resource"]), statement


@pytest.mark.parametrize("role, log_group", [("HandlerRole", "HandlerLogGroup"),
                                             ("ExportRole", "ExportLogGroup"),
                                             ("MailRetryRole", "MailRetryLogGroup"),
                                             ("ReminderRole", "ReminderLogGroup"),
                                             ("IndexCompactionRole",
                                              "IndexCompactionLogGroup")])
def test_functions_write_only_their_own_log_group(
        resources: dict[str, Any], role: str, log_group: str) -> None:
    (policy,) = props(resources, role)["Policies"]
    (logs,) = [s for s in statements(policy["PolicyDocument"])
               if any(a.startswith("logs:") for a in as_list(s["Action"]))]
    assert sorted(logs["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert logs["Resource"] == {"Fn::GetAtt": [log_group, "Arn"]}


def test_only_the_handler_the_mail_retry_and_the_reminders_send_mail_only_from_the_sender(
        resources: dict[str, Any]) -> None:
    senders = {name: [s for p in role["Properties"]["Policies"]
                      for s in statements(p["PolicyDocument"])
                      if any(a.startswith("ses:") for a in as_list(s["Action"]))]
               for name, role in of_type(resources, "AWS::IAM::Role").items()}
    assert {name for name, found in senders.items() if found} == {
        "HandlerRole", "MailRetryRole", "ReminderRole"}
    (ses,) = senders["HandlerRole"]
    assert sorted(ses["Action"]) == ["ses:SendEmail", "ses:SendRawEmail"]
    assert ses["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailFrom"}}}
    for arn in ses["Resource"]:
        assert ":identity/" in str(arn)
    assert senders["MailRetryRole"] == [ses]  # the same limits, word for word
    assert senders["ReminderRole"] == [ses]


def test_handler_may_start_only_the_export_function(resources: dict[str, Any]) -> None:
    (policy,) = props(resources, "HandlerRole")["Policies"]
    (invoke,) = [s for s in statements(policy["PolicyDocument"])
                 if s["Action"] == "lambda:InvokeFunction"]
    assert invoke["Resource"] == {"Fn::GetAtt": ["ExportFunction", "Arn"]}


# -- the functions ----------------------------------------------------------------------------

def test_handler_function_runs_the_handlers_entry_point(
        template: dict[str, Any], resources: dict[str, Any]) -> None:
    properties = props(resources, "HandlerFunction")
    assert properties["Handler"] == "handler.lambda_function.handler"
    assert properties["CodeUri"] == "../build/lambda.zip"
    assert template["Globals"]["Function"]["Runtime"] == {"Ref": "PythonRuntime"}
    assert template["Parameters"]["PythonRuntime"]["Default"] == "python3.13"
    assert template["Globals"]["Function"]["Architectures"] in (["x86_64"], ["arm64"])
    assert properties["MemorySize"] >= 512


def test_handler_times_out_before_the_gateway(resources: dict[str, Any]) -> None:
    handler = props(resources, "HandlerFunction")
    route = handler["Events"]["Api"]["Properties"]
    assert handler["Timeout"] * 1000 < route["TimeoutInMillis"] <= 30_000


def test_handler_serves_api_paths_of_the_http_api(resources: dict[str, Any]) -> None:
    route = props(resources, "HandlerFunction")["Events"]["Api"]
    assert route["Type"] == "HttpApi"
    assert route["Properties"]["ApiId"] == {"Ref": "HttpApi"}
    assert route["Properties"]["Path"] == "/api/{proxy+}"
    assert route["Properties"]["PayloadFormatVersion"] == "2.0"


def test_handler_environment_is_what_the_handler_reads(
        template: dict[str, Any], resources: dict[str, Any]) -> None:
    environment = {**template["Globals"]["Function"]["Environment"]["Variables"],
                   **props(resources, "HandlerFunction")["Environment"]["Variables"]}
    assert set(HANDLER_ENVIRONMENT) <= set(environment)
    assert environment["DOSSIERS_BUCKET"] == {"Ref": "DossiersBucket"}
    assert environment["SITE_ORIGIN"] == {"Fn::Sub": "https://${DomainName}"}
    # Issue 25, item 8: production refuses to start without the site's address.
    assert environment["SITE_URL"] == {"Fn::Sub": "https://${DomainName}/"}
    assert environment["INSCRIPTION_SESSION"] == {"Ref": "InscriptionSession"}
    assert environment["INSCRIPTION_ENV"] == "production"
    assert environment["MAIL_FROM"] == {"Ref": "MailFrom"}
    assert environment["STAFF_TOKEN_HASHES"] == {"Ref": "StaffTokenHashes"}
    assert environment["EXPORT_FUNCTION_NAME"] == {"Ref": "ExportFunction"}
    assert template["Parameters"]["StaffTokenHashes"]["NoEcho"] is True


def test_export_job_runs_asynchronously_in_its_own_function(resources: dict[str, Any]) -> None:
    properties = props(resources, "ExportFunction")
    assert properties["Handler"] == "handler.lambda_function.export_job"
    assert properties["CodeUri"] == props(resources, "HandlerFunction")["CodeUri"]
    assert properties["Timeout"] <= 900
    assert properties["EventInvokeConfig"]["MaximumRetryAttempts"] == 0
    # An event Lambda could still deliver must not belong to a job already reported interrupted.
    max_age = dt.timedelta(seconds=properties["EventInvokeConfig"]["MaximumEventAgeInSeconds"])
    assert max_age < jobs.STALE_AFTER
    assert dt.timedelta(seconds=properties["Timeout"]) < jobs.STALE_AFTER
    # A part of a fanned-out ZIP fits one invocation with room: 0.3 s of CPU per PDF at most.
    assert jobs.ZIP_PART * 0.3 < properties["Timeout"] / 2
    assert "Events" not in properties  # started by the handler only
    assert "STAFF_TOKEN_HASHES" not in properties.get("Environment", {}).get("Variables", {})


def test_a_large_zip_cant_take_the_apis_concurrency_and_its_parts_start_in_time(
        template: dict[str, Any], resources: dict[str, Any]) -> None:
    properties = props(resources, "ExportFunction")
    assert properties["ReservedConcurrentExecutions"] == {"Fn::If": [
        "ReservesExportConcurrency", {"Ref": "ExportConcurrency"}, {"Ref": "AWS::NoValue"}]}
    reserved = template["Parameters"]["ExportConcurrency"]["Default"]
    # The largest ZIP's parts, `reserved` at a time, each at most 0.3 s a PDF: the last wave
    # starts before Lambda drops an event that waited too long.
    waves = -(-(rest.ZIP_MAX // jobs.ZIP_PART) // reserved)
    max_age = properties["EventInvokeConfig"]["MaximumEventAgeInSeconds"]
    assert (waves - 1) * jobs.ZIP_PART * 0.3 < max_age


def test_mail_retry_runs_hourly_with_no_more_than_it_needs(resources: dict[str, Any]) -> None:
    properties = props(resources, "MailRetryFunction")
    assert properties["Handler"] == "handler.lambda_function.retry_mail"
    assert properties["CodeUri"] == props(resources, "HandlerFunction")["CodeUri"]
    (event,) = properties["Events"].values()
    assert event["Type"] == "Schedule"
    assert event["Properties"]["Schedule"] == "rate(1 hour)"
    # The cap's reasoning counts one run an hour; a run ends long before the next one.
    assert courriels.SCHEDULED_ATTEMPTS == 10
    assert properties["Timeout"] < 3600
    assert properties["EventInvokeConfig"]["MaximumRetryAttempts"] == 0
    # A scheduled event delivered twice can't start a second run beside the first.
    assert properties["ReservedConcurrentExecutions"] == 1
    # Nothing of the staff's, no function to start: its logs, mail from the sender, the bucket.
    assert "Environment" not in properties
    (policy,) = props(resources, "MailRetryRole")["Policies"]
    assert sorted(s["Sid"] for s in statements(policy["PolicyDocument"])) == [
        "OwnLogGroup", "SendMailFromSenderOnly"]


def test_every_functions_handler_is_an_entry_point_of_the_package(
        resources: dict[str, Any]) -> None:
    source = (INFRA.parent / "handler" / "lambda_function.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    defined |= {target.id for node in tree.body if isinstance(node, ast.Assign)
                for target in node.targets if isinstance(target, ast.Name)}
    for function in of_type(resources, "AWS::Serverless::Function").values():
        module, _, name = function["Properties"]["Handler"].rpartition(".")
        assert module == "handler.lambda_function"
        assert name in defined


@pytest.mark.parametrize("function, log_group", [("HandlerFunction", "HandlerLogGroup"),
                                                 ("ExportFunction", "ExportLogGroup"),
                                                 ("MailRetryFunction", "MailRetryLogGroup"),
                                                 ("ReminderFunction", "ReminderLogGroup"),
                                                 ("IndexCompactionFunction",
                                                  "IndexCompactionLogGroup"),
                                                 ("PieceScanFunction", "PieceScanLogGroup")])
def test_function_logs_to_a_group_with_retention(
        resources: dict[str, Any], function: str, log_group: str) -> None:
    assert props(resources, function)["LoggingConfig"]["LogGroup"] == {"Ref": log_group}


def test_every_log_group_has_a_retention(resources: dict[str, Any]) -> None:
    groups = of_type(resources, "AWS::Logs::LogGroup")
    assert len(groups) == 7  # the six functions and the API
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


# -- the HTTP API -----------------------------------------------------------------------------

def test_api_allows_cors_only_from_the_site(resources: dict[str, Any]) -> None:
    cors = props(resources, "HttpApi")["CorsConfiguration"]
    assert cors["AllowOrigins"] == [{"Fn::Sub": "https://${DomainName}"}]
    assert cors.get("AllowCredentials", False) is False


def test_api_cors_repeats_the_handlers_own(resources: dict[str, Any]) -> None:
    # API Gateway ignores the integration's CORS headers once its own CORS is configured.
    cors = props(resources, "HttpApi")["CorsConfiguration"]
    assert {h.lower() for h in cors["AllowHeaders"]} == {
        h.lower() for h in handler_app.ALLOWED_HEADERS}
    assert {m.upper() for m in cors["AllowMethods"]} == {"GET", "POST", "PUT"}
    assert {h.lower() for h in cors["ExposeHeaders"]} == {"etag", "retry-after"}


def test_api_is_throttled_and_logged(resources: dict[str, Any]) -> None:
    api = props(resources, "HttpApi")
    assert api["DefaultRouteSettings"] == {
        "ThrottlingRateLimit": {"Ref": "ApiThrottlingRate"},
        "ThrottlingBurstLimit": {"Ref": "ApiThrottlingBurst"}}
    assert api["AccessLogSettings"]["DestinationArn"] == {
        "Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}


# -- the site and the distribution ------------------------------------------------------------

def test_only_the_distribution_reads_the_site_bucket(resources: dict[str, Any]) -> None:
    allows = [s for s in statements(policy_of_bucket(resources, "SiteBucket"))
              if s["Effect"] == "Allow"]
    assert len(allows) == 1
    (allow,) = allows
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(":distribution/${Distribution}")


def test_site_origin_uses_origin_access_control(resources: dict[str, Any]) -> None:
    config = props(resources, "Distribution")["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    site = origins[config["DefaultCacheBehavior"]["TargetOriginId"]]
    assert site["DomainName"] == {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]}
    assert site["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert site["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    oac = props(resources, "SiteOriginAccessControl")["OriginAccessControlConfig"]
    assert oac["SigningBehavior"] == "always"
    assert oac["OriginAccessControlOriginType"] == "s3"


def test_api_shares_the_sites_origin_under_api(resources: dict[str, Any]) -> None:
    config = props(resources, "Distribution")["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    (behaviour,) = config["CacheBehaviors"]
    assert behaviour["PathPattern"] == "/api/*"
    api = origins[behaviour["TargetOriginId"]]
    assert api["DomainName"] == {
        "Fn::Sub": "${HttpApi}.execute-api.${AWS::Region}.amazonaws.com"}
    assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert behaviour["CachePolicyId"] == CACHING_DISABLED
    assert behaviour["ViewerProtocolPolicy"] == "https-only"
    assert "POST" in behaviour["AllowedMethods"]


def test_only_cloudfront_reaches_the_api(resources: dict[str, Any]) -> None:
    """CloudFront adds the generated secret to each API request; the handler requires it, so
    the API Gateway's own address can't bypass the WAF."""
    config = props(resources, "Distribution")["DistributionConfig"]
    target = config["CacheBehaviors"][0]["TargetOriginId"]
    (api,) = [o for o in config["Origins"] if o["Id"] == target]
    (header,) = api["OriginCustomHeaders"]
    secret = {"Fn::Sub": "{{resolve:secretsmanager:${OriginVerifySecret}}}"}
    assert header == {"HeaderName": origin.ORIGIN_HEADER, "HeaderValue": secret}
    # The handler reads it at run time (current and previous: a rotation cuts nothing off),
    # with the right to read that secret only; the value is not in its configuration.
    environment = props(resources, "HandlerFunction")["Environment"]["Variables"]
    assert environment["ORIGIN_VERIFY_SECRET_ARN"] == {"Ref": "OriginVerifySecret"}
    assert "ORIGIN_VERIFY_SECRET" not in environment
    assert "ORIGIN_VERIFY_SECRET_ARN" in handler_config.DEFAULTS
    (policy,) = props(resources, "HandlerRole")["Policies"]
    (read,) = [s for s in statements(policy["PolicyDocument"]) if s["Sid"] == "ReadOriginSecret"]
    assert read["Action"] == "secretsmanager:GetSecretValue"
    assert read["Resource"] == {"Ref": "OriginVerifySecret"}
    generated = props(resources, "OriginVerifySecret")["GenerateSecretString"]
    assert generated["PasswordLength"] >= 32 and generated["ExcludePunctuation"] is True
    # A new rotation label changes the distribution, so CloudFormation reads the secret anew.
    assert "${OriginSecretRotation}" in config["Comment"]["Fn::Sub"]


def test_the_api_sees_each_clients_own_address_which_a_client_cant_forge(
        resources: dict[str, Any]) -> None:
    config = props(resources, "Distribution")["DistributionConfig"]
    (behaviour,) = config["CacheBehaviors"]
    (association,) = behaviour["FunctionAssociations"]
    assert association == {"EventType": "viewer-request", "FunctionARN": {
        "Fn::GetAtt": ["ApiViewerFunction", "FunctionMetadata.FunctionARN"]}}
    header = props(resources, "HandlerFunction")["Environment"]["Variables"]["CLIENT_IP_HEADER"]
    code = props(resources, "ApiViewerFunction")["FunctionCode"]
    # The function itself, run on a request whose viewer sent a forged address.
    event = {"viewer": {"ip": "2001:db8::7"},
             "request": {"method": "POST", "uri": "/api/dossiers", "headers": {
                 header.lower(): {"value": "203.0.113.99"}, "host": {"value": "x"}}}}
    script = code + "\nprocess.stdout.write(JSON.stringify(handler(JSON.parse(process.argv[1]))));"
    result = subprocess.run([node("run the CloudFront function"), "-e", script,
                             json.dumps(event)], capture_output=True, text=True, check=True,
                            timeout=30)
    forwarded = json.loads(result.stdout)
    assert forwarded["headers"][header.lower()] == {"value": "2001:db8::7"}
    assert forwarded["uri"] == "/api/dossiers" and forwarded["headers"]["host"] == {"value": "x"}


def test_distribution_uses_the_edge_stacks_waf_and_certificate(resources: dict[str, Any]) -> None:
    config = props(resources, "Distribution")["DistributionConfig"]
    assert config["WebACLId"] == {"Ref": "WebAclArn"}
    assert config["Aliases"] == [{"Ref": "DomainName"}]
    certificate = config["ViewerCertificate"]
    assert certificate["AcmCertificateArn"] == {"Ref": "CertificateArn"}
    assert certificate["SslSupportMethod"] == "sni-only"
    assert certificate["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"


def test_every_response_gets_the_security_headers(resources: dict[str, Any]) -> None:
    config = props(resources, "Distribution")["DistributionConfig"]
    for behaviour in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]:
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}


def test_security_headers_policy_sets_hsts_nosniff_and_no_framing(
        resources: dict[str, Any]) -> None:
    headers = props(resources, "SecurityHeadersPolicy")[
        "ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    hsts = headers["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= ONE_YEAR
    assert hsts["Override"] is True
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}


def test_content_security_policy_forbids_inline_scripts_and_framing(
        resources: dict[str, Any]) -> None:
    csp = props(resources, "SecurityHeadersPolicy")[
        "ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert csp["Override"] is True
    directives = csp_directives(_csp_for(csp["ContentSecurityPolicy"], "compartiment"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    for sources in directives.values():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "http:"} & set(sources)


def test_security_headers_are_the_handlers_local_ones(resources: dict[str, Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    config = props(resources, "SecurityHeadersPolicy")["ResponseHeadersPolicyConfig"]
    headers = config["SecurityHeadersConfig"]
    local = security_headers.SECURITY_HEADERS
    # The pieces' origin, as the handler's own S3 client in eu-west-3 signs the bucket's links
    # and forms (handler.app: the region's endpoint, virtual-hosted).
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    client = handler_app._make_s3_client("eu-west-3")
    bucket = "dossiers-exemple"
    expected = security_headers.content_security_policy(
        security_headers.files_origin(client, bucket))
    assert csp_directives(_csp_for(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"],
                                   bucket)) == csp_directives(expected)
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == local["Referrer-Policy"]
    assert local["X-Content-Type-Options"] == "nosniff"
    assert headers["FrameOptions"]["FrameOption"] == local["X-Frame-Options"]
    (permissions,) = config["CustomHeadersConfig"]["Items"]
    assert (permissions["Header"], permissions["Value"]) == (
        "Permissions-Policy", local["Permissions-Policy"])
    hsts = headers["StrictTransportSecurity"]
    assert security_headers.HSTS == (
        f"max-age={hsts['AccessControlMaxAgeSec']}; includeSubDomains")
    assert hsts["IncludeSubdomains"] is True


# -- parameters and outputs -------------------------------------------------------------------

def test_edge_arns_must_come_from_us_east_1(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    for name in ("CertificateArn", "WebAclArn"):
        pattern = re.compile(parameters[name]["AllowedPattern"])
        assert pattern.search(f"arn:aws:x:us-east-1:123456789012:{name}") is None
    assert re.fullmatch(parameters["WebAclArn"]["AllowedPattern"],
                        "arn:aws:wafv2:us-east-1:123456789012:global/webacl/a/b")
    assert not re.fullmatch(parameters["WebAclArn"]["AllowedPattern"],
                            "arn:aws:wafv2:eu-west-3:123456789012:regional/webacl/a/b")
    assert re.fullmatch(parameters["CertificateArn"]["AllowedPattern"],
                        "arn:aws:acm:us-east-1:123456789012:certificate/abc")


def test_outputs_give_the_urls_and_the_bucket_names(template: dict[str, Any]) -> None:
    assert {"SiteUrl", "ApiUrl", "SiteBucketName", "DossiersBucketName",
            "DistributionId"} <= set(template["Outputs"])


# -- the edge stack ---------------------------------------------------------------------------

def test_edge_web_acl_is_cloudfront_scoped_with_a_rate_limit_on_the_api(
        edge: dict[str, Any]) -> None:
    acl = edge["Resources"]["WebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    (rule,) = [r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]
    assert "Block" in rule["Action"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    assert rate["Limit"] == {"Ref": "ApiRateLimit"}
    match = rate["ScopeDownStatement"]["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"UriPath": {}}
    assert (match["PositionalConstraint"], match["SearchString"]) == ("STARTS_WITH", "/api/")


def test_edge_outputs_the_arns_the_main_stack_takes(edge: dict[str, Any]) -> None:
    outputs = edge["Outputs"]
    assert outputs["WebAclArn"]["Value"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}
    assert outputs["CertificateArn"]["Value"] == {"Ref": "Certificate"}
    certificate = edge["Resources"]["Certificate"]["Properties"]
    assert certificate["ValidationMethod"] == "DNS"


# -- samconfig.toml ---------------------------------------------------------------------------

def test_samconfig_deploys_to_paris_with_known_parameters(template: dict[str, Any]) -> None:
    config = tomllib.loads((INFRA / "samconfig.toml").read_text(encoding="utf-8"))
    assert config["default"]["global"]["parameters"]["region"] == "eu-west-3"
    deploy = config["default"]["deploy"]["parameters"]
    keys = {item.partition("=")[0] for item in deploy["parameter_overrides"]}
    assert keys <= set(template["Parameters"])
    required = {name for name, p in template["Parameters"].items() if "Default" not in p}
    # make deploy (infra/deploy.py) adds StaffTokenHashes and StaffAccounts; every other
    # required one is here.
    assert required - {"StaffTokenHashes", "StaffAccounts"} <= keys


# -- the deploy guide -------------------------------------------------------------------------

@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_deploy_guide_names_every_parameter(path: Path) -> None:
    guide = (INFRA / "README.md").read_text(encoding="utf-8")
    missing = [name for name in load_template(path)["Parameters"] if f"`{name}`" not in guide]
    assert missing == []


def test_staff_sessions_expire_soon_after_their_absolute_limit(
        resources: dict[str, Any]) -> None:
    from handler.staff import sessions

    rules = props(resources, "DossiersBucket")["LifecycleConfiguration"]["Rules"]
    rule = next(r for r in rules if r.get("Prefix") == "gestion/")
    assert sessions.PREFIX.startswith("gestion/") and sessions.STATES.startswith("gestion/")
    assert sessions.ABSOLUTE_SECONDS <= rule["ExpirationInDays"] * 86400 <= 86400
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 1


def test_only_the_handler_reads_the_staff_sign_in_secrets(
        template: dict[str, Any], resources: dict[str, Any]) -> None:
    environment = template["Globals"]["Function"]["Environment"]["Variables"]
    assert environment["OIDC_CLIENT_SECRET_ARN"] == {"Ref": "OidcClientSecretArn"}
    assert environment["STAFF_SESSION_SECRET_ARN"] == {"Ref": "StaffSessionSecret"}
    assert environment["STAFF_ACCOUNTS"] == {"Ref": "StaffAccounts"}
    assert template["Parameters"]["StaffAccounts"]["NoEcho"] is True
    readers = [name for name, resource in resources.items()
               if resource["Type"] == "AWS::IAM::Role"
               and "ReadStaffSignInSecrets" in str(resource)]
    assert readers == ["HandlerRole"]


def test_every_prefix_the_handler_writes_is_granted() -> None:
    # A nested prefix (courriels/a-renvoyer/) is granted through its top-level one.
    written = {value.split("/", 1)[0] for name, value in vars(storage).items()
               if name.isupper() and isinstance(value, str) and value.endswith("/")}
    assert written <= set(PREFIXES)


@pytest.mark.parametrize(("prefix", "window_seconds"), [
    ("idempotence", registrations.IDEMPOTENCY_TTL_SECONDS),
    ("rappels", rappel.IDENTITY_WINDOW),
    ("tentatives", ownership.WINDOW + ownership.LOCK),
    ("acces", max(LINK_SECONDS, PROOF_SECONDS, NUMBER_WINDOW)),
    ("doublons", max(doublons.IDENTITY_WINDOW, doublons.ALERT_INTERVAL)),
])
def test_short_lived_records_expire_soon_after_the_handlers_window(
        resources: dict[str, Any], prefix: str, window_seconds: int) -> None:
    rules = props(resources, "DossiersBucket")["LifecycleConfiguration"]["Rules"]
    rule = next(r for r in rules if r.get("Prefix") == f"{prefix}/")
    assert rule["Status"] == "Enabled"
    # Kept at least as long as the handler reads them, and not more than a day beyond.
    assert window_seconds <= rule["ExpirationInDays"] * 86400 <= window_seconds + 2 * 86400


def test_the_index_compaction_runs_every_minute_one_at_a_time(resources: dict[str, Any]) -> None:
    """Issue 18: the submissions add pending index parts; this function merges them."""
    properties = props(resources, "IndexCompactionFunction")
    assert properties["Handler"] == "handler.lambda_function.compact_index"
    assert properties["CodeUri"] == props(resources, "HandlerFunction")["CodeUri"]
    assert properties["Events"]["EveryMinute"]["Properties"]["Schedule"] == "rate(1 minute)"
    assert properties["ReservedConcurrentExecutions"] == 1
    assert properties["EventInvokeConfig"]["MaximumRetryAttempts"] == 0
    assert props(resources, "IndexCompactionRole")["ManagedPolicyArns"] == [
        {"Ref": "DossiersAccessPolicy"}]


def test_the_reminders_run_every_morning_in_the_sessions_time_zone_one_at_a_time(
        template: dict[str, Any], resources: dict[str, Any]) -> None:
    """Issue 27: the daily reminders, at the hour the staff page announces, in Paris time
    whatever the season; their window is the RELANCE_JOURS every function reads."""
    from handler.staff import relances

    properties = props(resources, "ReminderFunction")
    assert properties["Handler"] == "handler.lambda_function.send_reminders"
    assert properties["CodeUri"] == props(resources, "HandlerFunction")["CodeUri"]
    (event,) = properties["Events"].values()
    assert event["Type"] == "ScheduleV2"
    schedule = event["Properties"]
    assert schedule["ScheduleExpression"] == f"cron(0 {relances.HEURE_AUTOMATIQUE} * * ? *)"
    session = shared_rules.get_session(DEFAULT_SESSION_CODE)
    assert session is not None
    assert schedule["ScheduleExpressionTimezone"] == session.fuseau_horaire
    assert properties["ReservedConcurrentExecutions"] == 1
    assert properties["EventInvokeConfig"]["MaximumRetryAttempts"] == 0
    assert properties["Timeout"] <= 900
    environment = template["Globals"]["Function"]["Environment"]["Variables"]
    assert environment["RELANCE_JOURS"] == {"Ref": "ReminderDays"}
    parameter = template["Parameters"]["ReminderDays"]
    assert str(parameter["Default"]) == handler_config.DEFAULTS["RELANCE_JOURS"]
    assert (parameter["MinValue"], parameter["MaxValue"]) == (
        handler_config.RELANCE_JOURS_MIN, handler_config.RELANCE_JOURS_MAX)


# -- the uploaded pieces (issue 28) -----------------------------------------------------------

def test_the_pieces_prefixes_are_the_handlers() -> None:
    assert {"televersements", "pieces", "quarantaine"} <= set(PREFIXES)


@pytest.mark.parametrize(("prefix", "days"), [
    # Orphans: uploaded, never checked into pieces/ (the personal-data page says how long).
    ("televersements/", ORPHELINS_JOURS),
    # Infected files: a technical choice of 30 days, not a legal duration.
    ("quarantaine/", QUARANTAINE_JOURS),
])
def test_uploads_and_quarantine_expire_with_every_version(
        resources: dict[str, Any], prefix: str, days: int) -> None:
    rules = props(resources, "DossiersBucket")["LifecycleConfiguration"]["Rules"]
    (rule,) = [r for r in rules if r.get("Prefix") == prefix]
    assert rule["Status"] == "Enabled"
    assert rule["ExpirationInDays"] == days
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}


def test_checked_pieces_follow_the_dossiers_retention(resources: dict[str, Any]) -> None:
    rules = props(resources, "DossiersBucket")["LifecycleConfiguration"]["Rules"]
    assert [r for r in rules if str(r.get("Prefix", "")).startswith("pieces")] == []


def test_guardduty_scans_only_the_uploads_and_tags_them(resources: dict[str, Any]) -> None:
    from handler.platform import antivirus

    (plan,) = of_type(resources, "AWS::GuardDuty::MalwareProtectionPlan").values()
    assert plan["Properties"] == {
        "Role": {"Fn::GetAtt": ["UploadsMalwareProtectionRole", "Arn"]},
        "ProtectedResource": {"S3Bucket": {"BucketName": {"Ref": "DossiersBucket"},
                                           "ObjectPrefixes": ["televersements/"]}},
        "Actions": {"Tagging": {"Status": "ENABLED"}},
    }
    assert antivirus.GUARDDUTY_TAG == "GuardDutyMalwareScanStatus"
    # GuardDuty hears of uploads through EventBridge: a stack update must not turn it off.
    assert props(resources, "DossiersBucket")["NotificationConfiguration"] == {
        "EventBridgeConfiguration": {"EventBridgeEnabled": True}}


def test_guarddutys_role_reads_and_tags_only_the_uploads(resources: dict[str, Any]) -> None:
    role = props(resources, "UploadsMalwareProtectionRole")
    (trust,) = statements(role["AssumeRolePolicyDocument"])
    assert trust["Principal"] == {"Service": "malware-protection-plan.guardduty.amazonaws.com"}
    assert "ManagedPolicyArns" not in role
    (policy,) = role["Policies"]
    by_sid = {s["Sid"]: s for s in statements(policy["PolicyDocument"])}
    uploads = {"Fn::Sub": "${DossiersBucket.Arn}/televersements/*"}
    assert by_sid["AllowMalwareScan"]["Resource"] == uploads
    assert by_sid["AllowPostScanTag"]["Resource"] == uploads
    assert by_sid["AllowPutValidationObject"]["Resource"] == {
        "Fn::Sub": "${DossiersBucket.Arn}/malware-protection-resource-validation-object"}
    for statement in by_sid.values():
        for action in as_list(statement["Action"]):
            if action in ("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject",
                          "s3:PutObjectTagging", "s3:GetObjectTagging"):
                assert statement["Resource"] in (uploads, by_sid["AllowPutValidationObject"][
                    "Resource"]), statement
    managed_rule = by_sid["AllowManagedRuleToSendS3EventsToGuardDuty"]
    assert managed_rule["Condition"] == {"StringLike": {
        "events:ManagedBy": "malware-protection-plan.guardduty.amazonaws.com"}}
    rule_arn = managed_rule["Resource"]["Fn::Sub"]
    assert rule_arn.endswith(":rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*")


def test_guarddutys_verdict_and_a_schedule_start_the_pieces_analysis(
        resources: dict[str, Any]) -> None:
    # The handler's module builds the app at import: its source is read, not imported.
    source = (ROOT / "handler" / "lambda_function.py").read_text(encoding="utf-8")
    function = props(resources, "PieceScanFunction")
    assert function["Handler"] == "handler.lambda_function.piece_scanned"
    assert "\ndef piece_scanned(" in source
    events = function["Events"]
    pattern = events["ScanResult"]["Properties"]["Pattern"]
    assert pattern["source"] == ["aws.guardduty"]
    assert f'SCAN_RESULT = "{pattern["detail-type"][0]}"' in source
    assert pattern["detail"]["s3ObjectDetails"] == {
        "bucketName": [{"Ref": "DossiersBucket"}],
        "objectKey": [{"prefix": "televersements/"}]}
    assert events["Sweep"]["Properties"]["Schedule"] == "rate(5 minutes)"
    assert function["Role"] == {"Fn::GetAtt": ["PieceScanRole", "Arn"]}
    role = props(resources, "PieceScanRole")
    assert role["ManagedPolicyArns"] == [{"Ref": "DossiersAccessPolicy"}]


def test_the_bucket_takes_the_pages_uploads_from_the_site_only(resources: dict[str, Any]) -> None:
    (rule,) = props(resources, "DossiersBucket")["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == [{"Fn::Sub": "https://${DomainName}"}]
    assert rule["AllowedMethods"] == ["POST"]
