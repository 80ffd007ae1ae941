// The parts of `vortex sweep` that need no process: seed ranges and their one-line errors, the
// validation of its flags, the Slurm job script, the console texts and index.html.

import Foundation
import Testing
import VortexHarness

@Suite struct SweepUnitTests {
    private func configuration(
        _ change: (inout SweepOptions) -> Void = { _ in }
    ) throws -> SweepConfiguration {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        var options = SweepOptions()
        options.seeds = "1-6"
        options.output = scratch.path + "/sweep"
        options.runArguments = ["--target", "etcd", "--test-duration", "5s"]
        change(&options)
        return try SweepConfiguration.validate(
            options,
            environment: try scratch.environment(),
            processorCount: 8
        )
    }

    private func message(_ change: (inout SweepOptions) -> Void) -> String? {
        do {
            _ = try configuration(change)
            return nil
        } catch let error as ConfigurationError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func seedRanges() throws {
        #expect(try SeedRange.parse("1-100") == SeedRange(first: 1, last: 100))
        #expect(try SeedRange.parse("7").count == 1)
        #expect(try SeedRange.parse("3-5").seeds == [3, 4, 5])
        for (text, phrase) in [
            ("5-1", "ends before it starts"), ("x", "not a seed"), ("1-", "not a seed"),
            ("-3", "not a seed"), ("1-2-3", "not a seed"), ("1-200000", "more than 100000"),
        ] {
            #expect(throws: ConfigurationError.self) { try SeedRange.parse(text) }
            do {
                _ = try SeedRange.parse(text)
            } catch {
                #expect(error.message.hasPrefix("--seeds '\(text)'"), "\(error.message)")
                #expect(error.message.contains(phrase), "\(error.message)")
            }
        }
    }

    @Test func flagsAreCheckedBeforeAnythingStarts() throws {
        #expect(try configuration().jobs == 4, "half of 8 cores")
        #expect(try configuration { $0.jobs = "3" }.jobs == 3)
        #expect(message { $0.jobs = "0" }?.hasPrefix("--jobs '0' is not a number of runs") == true)
        #expect(message { $0.jobs = "many" }?.hasPrefix("--jobs 'many'") == true)
        #expect(message { $0.seeds = "" }?.hasPrefix("--seeds is missing") == true)
        #expect(message { $0.partition = "gpu" }?.hasPrefix("--partition needs --slurm") == true)
        #expect(
            message { $0.runArguments += ["--seed", "3"] }?.hasPrefix("--seed cannot be given")
                == true
        )
        #expect(
            message { $0.runArguments += ["--output=/tmp/x"] }?.hasPrefix("--output cannot") == true
        )
        let keeping = try configuration { $0.runArguments += ["--keep-output"] }
        #expect(keeping.keepOutput)
        #expect(!keeping.runArguments.contains("--keep-output"))
        let plain = try configuration()
        #expect(
            plain.runCommandLine(seed: 4).dropFirst()
                == [
                    "run", "--seed", "4", "--output", plain.outputDirectory + "/seed-4",
                    "--keep-output", "--target", "etcd", "--test-duration", "5s",
                ]
        )
    }

    @Test func slurmJobScriptIsOneArrayTaskPerSeed() throws {
        var sweep = try configuration {
            $0.slurm = true
            $0.partition = "debug"
            $0.seeds = "10-13"
            $0.jobs = "2"
            $0.runArguments = ["--target", "my target.toml"]
        }
        sweep.vortexExecutable = "/opt/vortex/bin/vortex"
        let script = SlurmJobScript.text(sweep)
        let lines = script.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/bin/sh")
        #expect(lines.contains("#SBATCH --array=0-3%2"))
        #expect(lines.contains("#SBATCH --partition=debug"))
        #expect(lines.contains("#SBATCH --output=\(sweep.outputDirectory)/slurm/task-%a.out"))
        #expect(lines.contains("seed=$((10 + SLURM_ARRAY_TASK_ID))"))
        #expect(
            lines.last
                == "exec /opt/vortex/bin/vortex run --seed \"$seed\" --output "
                + "\(sweep.outputDirectory)/seed-\"$seed\" --keep-output --target "
                + "'my target.toml' >\(sweep.outputDirectory)/seed-\"$seed\".out 2>&1"
        )
        // Every #SBATCH line comes before the first command, as sbatch requires.
        let firstCommand = lines.firstIndex { !$0.hasPrefix("#") } ?? lines.count
        #expect(lines.lastIndex { $0.hasPrefix("#SBATCH") }.map { $0 < firstCommand } == true)
    }

    @Test func consoleTexts() {
        #expect(SweepText.ranges([6, 1, 2, 3, 9, 10]) == "1-3, 6, 9-10")
        #expect(SweepText.ranges([]) == "")
        #expect(
            SweepText.progressLine(
                done: 5,
                failing: 1,
                running: 2,
                total: 20,
                elapsedSeconds: 50,
                barWidth: 20
            ) == "sweep [#####...............] 5/20 done · 1 failing · 2 running · ETA 2m30s"
        )
        #expect(SweepText.clock(3_725) == "1h02m")
    }

    @Test func indexPageHasARowPerSeed() throws {
        let sweep = try configuration()
        var document = SweepDocument(sweep, startedAt: Date())
        document[seed: 2] = {
            var record = SweepRunRecord(seed: 2, reproduce: "vortex run --seed 2")
            record.status = .finished
            record.verdict = "fail"
            record.reason = "reconciliation"
            record.message = "a reply <did not> match"
            record.output = "seed-2"
            record.report = "seed-2/report.html"
            record.kept = "all"
            return record
        }()
        #expect(document.counts.fail == 1 && document.counts.unfinished == 5)
        let html = SweepIndexPage.html(document)
        #expect(occurrences(of: "<tr class=", in: html) == 6)
        #expect(html.contains("<tr class=\"fail\" data-seed=\"2\""))
        #expect(html.contains("<a class=\"report\" href=\"seed-2/report.html\">report</a>"))
        #expect(html.contains("a reply &lt;did not&gt; match"))
        #expect(occurrences(of: "data-verdict=\"not-started\"", in: html) == 5)
        let decoded = try JSONDecoder().decode(SweepDocument.self, from: document.json())
        #expect(decoded == document)
    }
}
