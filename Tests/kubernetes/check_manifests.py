#!/usr/bin/env python3
# Checks deploy/kubernetes/*.yaml (docs/scale-out.md, "Kubernetes") without a cluster:
#  1. every field of every manifest against the Kubernetes API types, as the official `kubernetes`
#     Python client models them (attribute_map: the field names; openapi_types: their types);
#     an unknown or misspelt field, a wrong type or a missing required field fails;
#  2. the enumerated values vortex relies on (completionMode, restartPolicy, procMount, the
#     seccomp and AppArmor profile types) against the values the API accepts;
#  3. the sweep Job's container command is a valid `vortex run` line: it is run as the pod would
#     run it (same command, args and env, JOB_COMPLETION_INDEX set) with `--check-only`
#     appended, and must exit 0 naming seed SEED_BASE + JOB_COMPLETION_INDEX;
#  4. the collect Job's command runs `vortex sweep --collect` and writes sweep.json.
# Usage: check_manifests.py DEPLOY_DIR VORTEX_BIN_DIR SCRATCH_DIR
import json
import os
import re
import subprocess
import sys

import kubernetes.client as k8s
import yaml

KINDS = {
    ("batch/v1", "Job"): k8s.V1Job,
    ("v1", "PersistentVolumeClaim"): k8s.V1PersistentVolumeClaim,
}

# Enumerations the API documents but the generated models leave as plain strings.
ENUMS = {
    ("V1JobSpec", "completion_mode"): {"Indexed", "NonIndexed"},
    ("V1PodSpec", "restart_policy"): {"Always", "OnFailure", "Never"},
    ("V1SecurityContext", "proc_mount"): {"Default", "Unmasked"},
    ("V1SeccompProfile", "type"): {"Localhost", "RuntimeDefault", "Unconfined"},
    ("V1AppArmorProfile", "type"): {"Localhost", "RuntimeDefault", "Unconfined"},
    ("V1PersistentVolumeClaimSpec", "access_modes"): {
        "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod",
    },
}

PRIMITIVES = {"str": str, "bool": bool, "int": int, "float": (int, float)}

problems = []


def check(value, type_name, path):
    """Checks `value` against the client's type string, e.g. 'list[V1Container]'."""
    if value is None:
        return
    match = re.fullmatch(r"[lL]ist\[(.+)\]", type_name)
    if match:
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list ({type_name})")
            return
        for index, item in enumerate(value):
            check(item, match.group(1), f"{path}[{index}]")
        return
    match = re.fullmatch(r"dict\((\w+), (.+)\)", type_name) or re.fullmatch(
        r"Dict\[(\w+), (.+)\]", type_name
    )
    if match:
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map ({type_name})")
            return
        for key, item in value.items():
            check(item, match.group(2), f"{path}.{key}")
        return
    if type_name in ("object", "datetime", "date"):
        return
    if type_name in PRIMITIVES:
        if type_name == "int" and isinstance(value, bool) or not isinstance(
            value, PRIMITIVES[type_name]
        ):
            problems.append(f"{path}: expected {type_name}, found {type(value).__name__}")
        return
    model = getattr(k8s, type_name, None)
    if model is None:
        problems.append(f"{path}: the client has no type {type_name}")
        return
    if not isinstance(value, dict):
        problems.append(f"{path}: expected an object ({type_name})")
        return
    by_json_name = {json_name: attribute for attribute, json_name in model.attribute_map.items()}
    for key, item in value.items():
        attribute = by_json_name.get(key)
        if attribute is None:
            problems.append(f"{path}.{key}: not a field of {type_name}")
            continue
        allowed = ENUMS.get((type_name, attribute))
        if allowed is not None:
            for member in item if isinstance(item, list) else [item]:
                if member not in allowed:
                    problems.append(f"{path}.{key}: {member!r} is not one of {sorted(allowed)}")
        check(item, model.openapi_types[attribute], f"{path}.{key}")


def deserialize(document, model, path):
    """Builds the client model; its constructors reject missing required fields."""
    client = k8s.ApiClient()
    try:
        client._ApiClient__deserialize(document, model.__name__)
    except (ValueError, TypeError) as error:
        problems.append(f"{path}: {error}")


def run(command, env, path, expect_status):
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != expect_status:
        problems.append(
            f"{path}: {command} exited {result.returncode} (want {expect_status}): "
            f"{result.stdout.strip()} {result.stderr.strip()}"
        )
    return result


def container_env(container, extra):
    env = {"PATH": extra.pop("PATH")}
    for variable in container.get("env", []):
        env[variable["name"]] = variable["value"]
    env.update(extra)
    return env


def check_sweep_job(document, bin_dir, scratch, path):
    spec = document["spec"]
    if spec.get("completionMode") != "Indexed":
        problems.append(f"{path}: the sweep must be an Indexed Job (seed = base + index)")
    pod = spec["template"]["spec"]
    container = pod["containers"][0]
    results = os.path.join(scratch, "results")
    index = 3
    env = container_env(
        container,
        {
            "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
            "JOB_COMPLETION_INDEX": str(index),
            "RESULTS_DIR": results,
            "HOME": scratch,
        },
    )
    seed = int(env["SEED_BASE"]) + index
    command = container["command"] + container.get("args", []) + ["--check-only"]
    result = run(command, env, f"{path} container command", 0)
    expected = f"seed={seed} "
    if expected not in result.stdout or f"output={results}/seed-{seed} " not in result.stdout:
        problems.append(
            f"{path}: vortex run --check-only did not name seed {seed} in {results}: "
            f"{result.stdout.strip()}"
        )
    if os.path.exists(results):
        problems.append(f"{path}: --check-only created {results}")
    # The same command with a wrong flag must fail as a usage error: the check can fail.
    broken = container["command"] + ["--replica-count", "9", "--check-only"]
    run(broken, env, f"{path} container command with --replica-count 9", 2)
    context = container.get("securityContext", {})
    if context.get("procMount") != "Unmasked" or pod.get("hostUsers") is not False:
        problems.append(f"{path}: vortex needs procMount: Unmasked with hostUsers: false")
    if pod.get("securityContext", {}).get("seccompProfile", {}).get("type") == "RuntimeDefault":
        problems.append(f"{path}: RuntimeDefault seccomp refuses unshare(2)")


def check_collect_job(document, bin_dir, scratch, path):
    container = document["spec"]["template"]["spec"]["containers"][0]
    results = os.path.join(scratch, "collect")
    os.makedirs(results)
    env = container_env(
        container,
        {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "RESULTS_DIR": results},
    )
    # No run directory yet: every seed is without a verdict, which is exit 1, not a usage error.
    run(container["command"], env, f"{path} container command", 1)
    try:
        with open(os.path.join(results, "sweep.json")) as file:
            sweep = json.load(file)
        if len(sweep["runs"]) != int(env["SEED_COUNT"]) or sweep["engine"] != "collected":
            problems.append(f"{path}: sweep.json has {len(sweep['runs'])} runs")
    except (OSError, ValueError, KeyError) as error:
        problems.append(f"{path}: no sweep.json written: {error}")


def self_check(document):
    """The checker must catch a misspelt field and a wrong type, or it proves nothing."""
    broken = json.loads(json.dumps(document))
    broken["spec"]["template"]["spec"]["containers"][0]["securityContxt"] = {}
    broken["spec"]["parallelism"] = "ten"
    before = len(problems)
    check(broken, "V1Job", "self-check")
    found = problems[before:]
    del problems[before:]
    if len(found) != 2:
        problems.append(f"self-check: a misspelt field and a wrong type gave {found}")


def main():
    deploy, bin_dir, scratch = sys.argv[1:4]
    names = sorted(name for name in os.listdir(deploy) if name.endswith(".yaml"))
    checked = []
    for name in names:
        with open(os.path.join(deploy, name)) as file:
            documents = [document for document in yaml.safe_load_all(file) if document]
        for number, document in enumerate(documents):
            path = f"{name}#{number}"
            key = (document.get("apiVersion"), document.get("kind"))
            model = KINDS.get(key)
            if model is None:
                problems.append(f"{path}: unexpected apiVersion/kind {key}")
                continue
            check(document, model.__name__, path)
            deserialize(document, model, path)
            if key == ("batch/v1", "Job") and document["metadata"]["name"] == "vortex-sweep":
                check_sweep_job(document, bin_dir, scratch, path)
                self_check(document)
            if key == ("batch/v1", "Job") and document["metadata"]["name"].endswith("-collect"):
                check_collect_job(document, bin_dir, scratch, path)
            checked.append(f"{path} {key[1]}")
    for line in checked:
        print(f"checked {line}")
    for problem in problems:
        print(f"FAIL {problem}")
    kinds = {line.split()[-1] for line in checked}
    if not {"Job", "PersistentVolumeClaim"} <= kinds:
        print("FAIL the sweep Job or the results volume claim is missing")
        return 1
    print(f"{len(checked) if not problems else 0} passed, {len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
