WITH "ibis_memtable" AS (
  SELECT
    CAST('2024-03-01' AS DATE) AS "as_of",
    CAST('2024-03-01' AS DATE) AS "d0",
    CAST('2024-03-01 00:00:00' AS TIMESTAMP) AS "t0",
    CAST('2024-02-02' AS DATE) AS "d28",
    CAST('2024-02-02 00:00:00' AS TIMESTAMP) AS "t28",
    CAST('2024-01-05' AS DATE) AS "d56",
    CAST('2024-01-05 00:00:00' AS TIMESTAMP) AS "t56",
    CAST('2023-03-02' AS DATE) AS "d365",
    CAST('2023-03-02 00:00:00' AS TIMESTAMP) AS "t365"
)
SELECT
  "t59"."account_id",
  "t59"."as_of",
  "t59"."parent_account_id",
  "t59"."arr",
  "t59"."segment_rule",
  "t59"."m0_raw",
  "t59"."m1_raw",
  "t59"."m2_raw",
  "t59"."m3_raw",
  "t59"."m4_raw",
  "t59"."m0_points",
  "t59"."m0_has_data",
  "t59"."m0_overridden",
  "t59"."m1_points",
  "t59"."m1_has_data",
  "t59"."m1_overridden",
  "t59"."m2_points",
  "t59"."m2_has_data",
  "t59"."m2_overridden",
  "t59"."m3_points",
  "t59"."m3_has_data",
  "t59"."m3_overridden",
  "t59"."m4_points",
  "t59"."m4_has_data",
  "t59"."m4_overridden",
  "t59"."d_usage_score",
  "t59"."d_usage_coverage",
  "t59"."d_relationship_score",
  "t59"."d_relationship_coverage",
  "t59"."d_voice_score",
  "t59"."d_voice_coverage",
  "t59"."score",
  "t59"."coverage",
  "t59"."overridden",
  "t59"."override_reason",
  "t59"."score_scaled",
  "t59"."band",
  "t59"."d_usage_band",
  "t59"."d_usage_weight",
  "t59"."m0_weight",
  "t59"."m0_contribution",
  "t59"."m1_weight",
  "t59"."m1_contribution",
  "t59"."d_relationship_band",
  "t59"."d_relationship_weight",
  "t59"."m2_weight",
  "t59"."m2_contribution",
  "t59"."m3_weight",
  "t59"."m3_contribution",
  "t59"."d_voice_band",
  "t59"."d_voice_weight",
  "t59"."m4_weight",
  "t59"."m4_contribution"
FROM (
  SELECT
    "t58"."account_id",
    "t58"."as_of",
    "t58"."parent_account_id",
    "t58"."arr",
    "t58"."segment_rule",
    "t58"."m0_raw",
    "t58"."m1_raw",
    "t58"."m2_raw",
    "t58"."m3_raw",
    "t58"."m4_raw",
    "t58"."ov_0",
    "t58"."ov_1",
    "t58"."ov_2",
    "t58"."ov_3",
    "t58"."ov_4",
    "t58"."ov_overall",
    "t58"."ov_overall_reason",
    "t58"."m0_points",
    "t58"."m0_has_data",
    "t58"."m0_overridden",
    "t58"."_m0_w",
    "t58"."m1_points",
    "t58"."m1_has_data",
    "t58"."m1_overridden",
    "t58"."_m1_w",
    "t58"."m2_points",
    "t58"."m2_has_data",
    "t58"."m2_overridden",
    "t58"."_m2_w",
    "t58"."m3_points",
    "t58"."m3_has_data",
    "t58"."m3_overridden",
    "t58"."_m3_w",
    "t58"."m4_points",
    "t58"."m4_has_data",
    "t58"."m4_overridden",
    "t58"."_m4_w",
    "t58"."_d_usage_w",
    "t58"."_d_relationship_w",
    "t58"."_d_voice_w",
    "t58"."_d_usage_den",
    "t58"."d_usage_score",
    "t58"."d_usage_coverage",
    "t58"."_d_relationship_den",
    "t58"."d_relationship_score",
    "t58"."d_relationship_coverage",
    "t58"."_d_voice_den",
    "t58"."d_voice_score",
    "t58"."d_voice_coverage",
    "t58"."score",
    "t58"."_comp_den",
    "t58"."coverage",
    "t58"."overridden",
    "t58"."override_reason",
    CAST(ROUND((
      "t58"."score" * 100.0
    ) / 100.0, 9) AS DOUBLE) AS "score_scaled",
    CASE
      WHEN "t58"."segment_rule" = 'enterprise'
      THEN CASE
        WHEN CAST(ROUND((
          "t58"."score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t58"."score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t58"."score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
      ELSE CASE
        WHEN CAST(ROUND((
          "t58"."score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t58"."score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t58"."score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
    END AS "band",
    CASE
      WHEN "t58"."segment_rule" = 'enterprise'
      THEN CASE
        WHEN CAST(ROUND((
          "t58"."d_usage_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t58"."d_usage_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t58"."d_usage_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
      ELSE CASE
        WHEN CAST(ROUND((
          "t58"."d_usage_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t58"."d_usage_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t58"."d_usage_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
    END AS "d_usage_band",
    CASE
      WHEN "t58"."d_usage_score" IS NULL
      THEN 0.0
      ELSE "t58"."_d_usage_w" / NULLIF("t58"."_comp_den", 0.0)
    END AS "d_usage_weight",
    COALESCE(
      CASE
        WHEN "t58"."m0_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t58"."d_usage_score" IS NULL
            THEN 0.0
            ELSE "t58"."_d_usage_w" / NULLIF("t58"."_comp_den", 0.0)
          END * "t58"."_m0_w"
        ) / NULLIF("t58"."_d_usage_den", 0.0)
      END,
      0.0
    ) AS "m0_weight",
    COALESCE("t58"."m0_points", 0.0) * COALESCE(
      CASE
        WHEN "t58"."m0_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t58"."d_usage_score" IS NULL
            THEN 0.0
            ELSE "t58"."_d_usage_w" / NULLIF("t58"."_comp_den", 0.0)
          END * "t58"."_m0_w"
        ) / NULLIF("t58"."_d_usage_den", 0.0)
      END,
      0.0
    ) AS "m0_contribution",
    COALESCE(
      CASE
        WHEN "t58"."m1_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t58"."d_usage_score" IS NULL
            THEN 0.0
            ELSE "t58"."_d_usage_w" / NULLIF("t58"."_comp_den", 0.0)
          END * "t58"."_m1_w"
        ) / NULLIF("t58"."_d_usage_den", 0.0)
      END,
      0.0
    ) AS "m1_weight",
    COALESCE("t58"."m1_points", 0.0) * COALESCE(
      CASE
        WHEN "t58"."m1_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t58"."d_usage_score" IS NULL
            THEN 0.0
            ELSE "t58"."_d_usage_w" / NULLIF("t58"."_comp_den", 0.0)
          END * "t58"."_m1_w"
        ) / NULLIF("t58"."_d_usage_den", 0.0)
      END,
      0.0
    ) AS "m1_contribution",
    CASE
      WHEN "t58"."segment_rule" = 'enterprise'
      THEN CASE
        WHEN CAST(ROUND((
          "t58"."d_relationship_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t58"."d_relationship_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t58"."d_relationship_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
      ELSE CASE
        WHEN CAST(ROUND((
          "t58"."d_relationship_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t58"."d_relationship_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t58"."d_relationship_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
    END AS "d_relationship_band",
    CASE
      WHEN "t58"."d_relationship_score" IS NULL
      THEN 0.0
      ELSE "t58"."_d_relationship_w" / NULLIF("t58"."_comp_den", 0.0)
    END AS "d_relationship_weight",
    COALESCE(
      CASE
        WHEN "t58"."m2_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t58"."d_relationship_score" IS NULL
            THEN 0.0
            ELSE "t58"."_d_relationship_w" / NULLIF("t58"."_comp_den", 0.0)
          END * "t58"."_m2_w"
        ) / NULLIF("t58"."_d_relationship_den", 0.0)
      END,
      0.0
    ) AS "m2_weight",
    COALESCE("t58"."m2_points", 0.0) * COALESCE(
      CASE
        WHEN "t58"."m2_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t58"."d_relationship_score" IS NULL
            THEN 0.0
            ELSE "t58"."_d_relationship_w" / NULLIF("t58"."_comp_den", 0.0)
          END * "t58"."_m2_w"
        ) / NULLIF("t58"."_d_relationship_den", 0.0)
      END,
      0.0
    ) AS "m2_contribution",
    COALESCE(
      CASE
        WHEN "t58"."m3_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t58"."d_relationship_score" IS NULL
            THEN 0.0
            ELSE "t58"."_d_relationship_w" / NULLIF("t58"."_comp_den", 0.0)
          END * "t58"."_m3_w"
        ) / NULLIF("t58"."_d_relationship_den", 0.0)
      END,
      0.0
    ) AS "m3_weight",
    COALESCE("t58"."m3_points", 0.0) * COALESCE(
      CASE
        WHEN "t58"."m3_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t58"."d_relationship_score" IS NULL
            THEN 0.0
            ELSE "t58"."_d_relationship_w" / NULLIF("t58"."_comp_den", 0.0)
          END * "t58"."_m3_w"
        ) / NULLIF("t58"."_d_relationship_den", 0.0)
      END,
      0.0
    ) AS "m3_contribution",
    CASE
      WHEN "t58"."segment_rule" = 'enterprise'
      THEN CASE
        WHEN CAST(ROUND((
          "t58"."d_voice_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t58"."d_voice_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t58"."d_voice_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
      ELSE CASE
        WHEN CAST(ROUND((
          "t58"."d_voice_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t58"."d_voice_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t58"."d_voice_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
    END AS "d_voice_band",
    CASE
      WHEN "t58"."d_voice_score" IS NULL
      THEN 0.0
      ELSE "t58"."_d_voice_w" / NULLIF("t58"."_comp_den", 0.0)
    END AS "d_voice_weight",
    COALESCE(
      CASE
        WHEN "t58"."m4_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t58"."d_voice_score" IS NULL
            THEN 0.0
            ELSE "t58"."_d_voice_w" / NULLIF("t58"."_comp_den", 0.0)
          END * "t58"."_m4_w"
        ) / NULLIF("t58"."_d_voice_den", 0.0)
      END,
      0.0
    ) AS "m4_weight",
    COALESCE("t58"."m4_points", 0.0) * COALESCE(
      CASE
        WHEN "t58"."m4_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t58"."d_voice_score" IS NULL
            THEN 0.0
            ELSE "t58"."_d_voice_w" / NULLIF("t58"."_comp_den", 0.0)
          END * "t58"."_m4_w"
        ) / NULLIF("t58"."_d_voice_den", 0.0)
      END,
      0.0
    ) AS "m4_contribution"
  FROM (
    SELECT
      "t57"."account_id",
      "t57"."as_of",
      "t57"."parent_account_id",
      "t57"."arr",
      "t57"."segment_rule",
      "t57"."m0_raw",
      "t57"."m1_raw",
      "t57"."m2_raw",
      "t57"."m3_raw",
      "t57"."m4_raw",
      "t57"."ov_0",
      "t57"."ov_1",
      "t57"."ov_2",
      "t57"."ov_3",
      "t57"."ov_4",
      "t57"."ov_overall",
      "t57"."ov_overall_reason",
      "t57"."m0_points",
      "t57"."m0_has_data",
      "t57"."m0_overridden",
      "t57"."_m0_w",
      "t57"."m1_points",
      "t57"."m1_has_data",
      "t57"."m1_overridden",
      "t57"."_m1_w",
      "t57"."m2_points",
      "t57"."m2_has_data",
      "t57"."m2_overridden",
      "t57"."_m2_w",
      "t57"."m3_points",
      "t57"."m3_has_data",
      "t57"."m3_overridden",
      "t57"."_m3_w",
      "t57"."m4_points",
      "t57"."m4_has_data",
      "t57"."m4_overridden",
      "t57"."_m4_w",
      "t57"."_d_usage_w",
      "t57"."_d_relationship_w",
      "t57"."_d_voice_w",
      "t57"."_d_usage_den",
      "t57"."d_usage_score",
      "t57"."d_usage_coverage",
      "t57"."_d_relationship_den",
      "t57"."d_relationship_score",
      "t57"."d_relationship_coverage",
      "t57"."_d_voice_den",
      "t57"."d_voice_score",
      "t57"."d_voice_coverage",
      CAST(ROUND(
        COALESCE(
          (
            "t57"."ov_overall" * 100.0
          ) / 100.0,
          (
            CASE
              WHEN "t57"."d_usage_score" IS NULL
              THEN 0.0
              ELSE "t57"."d_usage_score" * "t57"."_d_usage_w"
            END + CASE
              WHEN "t57"."d_relationship_score" IS NULL
              THEN 0.0
              ELSE "t57"."d_relationship_score" * "t57"."_d_relationship_w"
            END + CASE
              WHEN "t57"."d_voice_score" IS NULL
              THEN 0.0
              ELSE "t57"."d_voice_score" * "t57"."_d_voice_w"
            END
          ) / NULLIF(
            CASE WHEN "t57"."d_usage_score" IS NULL THEN 0.0 ELSE "t57"."_d_usage_w" END + CASE
              WHEN "t57"."d_relationship_score" IS NULL
              THEN 0.0
              ELSE "t57"."_d_relationship_w"
            END + CASE WHEN "t57"."d_voice_score" IS NULL THEN 0.0 ELSE "t57"."_d_voice_w" END,
            0.0
          )
        ),
        9
      ) AS DOUBLE) AS "score",
      CASE WHEN "t57"."d_usage_score" IS NULL THEN 0.0 ELSE "t57"."_d_usage_w" END + CASE
        WHEN "t57"."d_relationship_score" IS NULL
        THEN 0.0
        ELSE "t57"."_d_relationship_w"
      END + CASE WHEN "t57"."d_voice_score" IS NULL THEN 0.0 ELSE "t57"."_d_voice_w" END AS "_comp_den",
      CAST(ROUND(
        (
          (
            "t57"."d_usage_coverage" * "t57"."_d_usage_w"
          ) + (
            "t57"."d_relationship_coverage" * "t57"."_d_relationship_w"
          ) + (
            "t57"."d_voice_coverage" * "t57"."_d_voice_w"
          )
        ) / (
          "t57"."_d_usage_w" + "t57"."_d_relationship_w" + "t57"."_d_voice_w"
        ),
        9
      ) AS DOUBLE) AS "coverage",
      (
        (
          "t57"."ov_overall" * 100.0
        ) / 100.0
      ) IS NOT NULL AS "overridden",
      "t57"."ov_overall_reason" AS "override_reason"
    FROM (
      SELECT
        "t56"."account_id",
        "t56"."as_of",
        "t56"."parent_account_id",
        "t56"."arr",
        "t56"."segment_rule",
        "t56"."m0_raw",
        "t56"."m1_raw",
        "t56"."m2_raw",
        "t56"."m3_raw",
        "t56"."m4_raw",
        "t56"."ov_0",
        "t56"."ov_1",
        "t56"."ov_2",
        "t56"."ov_3",
        "t56"."ov_4",
        "t56"."ov_overall",
        "t56"."ov_overall_reason",
        "t56"."m0_points",
        "t56"."m0_has_data",
        "t56"."m0_overridden",
        "t56"."_m0_w",
        "t56"."m1_points",
        "t56"."m1_has_data",
        "t56"."m1_overridden",
        "t56"."_m1_w",
        "t56"."m2_points",
        "t56"."m2_has_data",
        "t56"."m2_overridden",
        "t56"."_m2_w",
        "t56"."m3_points",
        "t56"."m3_has_data",
        "t56"."m3_overridden",
        "t56"."_m3_w",
        "t56"."m4_points",
        "t56"."m4_has_data",
        "t56"."m4_overridden",
        "t56"."_m4_w",
        "t56"."_d_usage_w",
        "t56"."_d_relationship_w",
        "t56"."_d_voice_w",
        CASE WHEN "t56"."m0_points" IS NULL THEN 0.0 ELSE "t56"."_m0_w" END + CASE WHEN "t56"."m1_points" IS NULL THEN 0.0 ELSE "t56"."_m1_w" END AS "_d_usage_den",
        CAST(ROUND(
          (
            CASE
              WHEN "t56"."m0_points" IS NULL
              THEN 0.0
              ELSE "t56"."m0_points" * "t56"."_m0_w"
            END + CASE
              WHEN "t56"."m1_points" IS NULL
              THEN 0.0
              ELSE "t56"."m1_points" * "t56"."_m1_w"
            END
          ) / NULLIF(
            CASE WHEN "t56"."m0_points" IS NULL THEN 0.0 ELSE "t56"."_m0_w" END + CASE WHEN "t56"."m1_points" IS NULL THEN 0.0 ELSE "t56"."_m1_w" END,
            0.0
          ),
          9
        ) AS DOUBLE) AS "d_usage_score",
        CAST(ROUND(
          (
            CASE WHEN "t56"."m0_has_data" THEN "t56"."_m0_w" ELSE 0.0 END + CASE WHEN "t56"."m1_has_data" THEN "t56"."_m1_w" ELSE 0.0 END
          ) / (
            "t56"."_m0_w" + "t56"."_m1_w"
          ),
          9
        ) AS DOUBLE) AS "d_usage_coverage",
        CASE WHEN "t56"."m2_points" IS NULL THEN 0.0 ELSE "t56"."_m2_w" END + CASE WHEN "t56"."m3_points" IS NULL THEN 0.0 ELSE "t56"."_m3_w" END AS "_d_relationship_den",
        CAST(ROUND(
          (
            CASE
              WHEN "t56"."m2_points" IS NULL
              THEN 0.0
              ELSE "t56"."m2_points" * "t56"."_m2_w"
            END + CASE
              WHEN "t56"."m3_points" IS NULL
              THEN 0.0
              ELSE "t56"."m3_points" * "t56"."_m3_w"
            END
          ) / NULLIF(
            CASE WHEN "t56"."m2_points" IS NULL THEN 0.0 ELSE "t56"."_m2_w" END + CASE WHEN "t56"."m3_points" IS NULL THEN 0.0 ELSE "t56"."_m3_w" END,
            0.0
          ),
          9
        ) AS DOUBLE) AS "d_relationship_score",
        CAST(ROUND(
          (
            CASE WHEN "t56"."m2_has_data" THEN "t56"."_m2_w" ELSE 0.0 END + CASE WHEN "t56"."m3_has_data" THEN "t56"."_m3_w" ELSE 0.0 END
          ) / (
            "t56"."_m2_w" + "t56"."_m3_w"
          ),
          9
        ) AS DOUBLE) AS "d_relationship_coverage",
        CASE WHEN "t56"."m4_points" IS NULL THEN 0.0 ELSE "t56"."_m4_w" END AS "_d_voice_den",
        CAST(ROUND(
          CASE
            WHEN "t56"."m4_points" IS NULL
            THEN 0.0
            ELSE "t56"."m4_points" * "t56"."_m4_w"
          END / NULLIF(CASE WHEN "t56"."m4_points" IS NULL THEN 0.0 ELSE "t56"."_m4_w" END, 0.0),
          9
        ) AS DOUBLE) AS "d_voice_score",
        CAST(ROUND(CASE WHEN "t56"."m4_has_data" THEN "t56"."_m4_w" ELSE 0.0 END / "t56"."_m4_w", 9) AS DOUBLE) AS "d_voice_coverage"
      FROM (
        SELECT
          "t55"."account_id",
          "t55"."as_of",
          "t55"."parent_account_id",
          "t55"."arr",
          "t55"."segment_rule",
          "t55"."m0_raw",
          "t55"."m1_raw",
          "t55"."m2_raw",
          "t55"."m3_raw",
          "t55"."m4_raw",
          "t55"."ov_0",
          "t55"."ov_1",
          "t55"."ov_2",
          "t55"."ov_3",
          "t55"."ov_4",
          "t55"."ov_overall",
          "t55"."ov_overall_reason",
          COALESCE(
            "t55"."ov_0",
            CASE
              WHEN "t55"."m0_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t55"."m0_raw" <= 0.0
                THEN 0.0
                WHEN "t55"."m0_raw" >= 0.5
                THEN 100.0
                WHEN "t55"."m0_raw" < 0.5
                THEN (
                  (
                    "t55"."m0_raw" - 0.0
                  ) * 200.0
                ) + 0.0
                ELSE 100.0
              END
            END
          ) AS "m0_points",
          (
            "t55"."m0_raw" IS NOT NULL
          ) OR (
            "t55"."ov_0" IS NOT NULL
          ) AS "m0_has_data",
          "t55"."ov_0" IS NOT NULL AS "m0_overridden",
          1.0 * 2.0 AS "_m0_w",
          COALESCE(
            "t55"."ov_1",
            CASE
              WHEN "t55"."m1_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t55"."m1_raw" >= 50.0
                THEN 100.0
                WHEN "t55"."m1_raw" >= 0.0
                THEN 50.0
                ELSE 0.0
              END
            END
          ) AS "m1_points",
          (
            "t55"."m1_raw" IS NOT NULL
          ) OR (
            "t55"."ov_1" IS NOT NULL
          ) AS "m1_has_data",
          "t55"."ov_1" IS NOT NULL AS "m1_overridden",
          1.0 * 1.0 AS "_m1_w",
          COALESCE(
            COALESCE(
              "t55"."ov_2",
              CASE
                WHEN "t55"."m2_raw" IS NULL
                THEN CAST(NULL AS DOUBLE)
                ELSE CASE
                  WHEN "t55"."m2_raw" <= 10.0
                  THEN 100.0
                  WHEN "t55"."m2_raw" >= 100.0
                  THEN 0.0
                  WHEN "t55"."m2_raw" < 100.0
                  THEN (
                    (
                      "t55"."m2_raw" - 10.0
                    ) * -1.1111111111111112
                  ) + 100.0
                  ELSE 0.0
                END
              END
            ),
            0.0
          ) AS "m2_points",
          (
            "t55"."m2_raw" IS NOT NULL
          ) OR (
            "t55"."ov_2" IS NOT NULL
          ) AS "m2_has_data",
          "t55"."ov_2" IS NOT NULL AS "m2_overridden",
          1.0 * 1.0 AS "_m2_w",
          COALESCE(
            "t55"."ov_3",
            CASE
              WHEN "t55"."m3_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t55"."m3_raw" = TRUE
                THEN 100.0
                WHEN "t55"."m3_raw" = FALSE
                THEN 0.0
                ELSE CAST(NULL AS DOUBLE)
              END
            END
          ) AS "m3_points",
          (
            "t55"."m3_raw" IS NOT NULL
          ) OR (
            "t55"."ov_3" IS NOT NULL
          ) AS "m3_has_data",
          "t55"."ov_3" IS NOT NULL AS "m3_overridden",
          1.0 * 1.0 AS "_m3_w",
          COALESCE(
            "t55"."ov_4",
            CASE
              WHEN "t55"."m4_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t55"."m4_raw" <= -100.0
                THEN 0.0
                WHEN "t55"."m4_raw" >= 100.0
                THEN 100.0
                WHEN "t55"."m4_raw" < 100.0
                THEN (
                  (
                    "t55"."m4_raw" - -100.0
                  ) * 0.5
                ) + 0.0
                ELSE 100.0
              END
            END
          ) AS "m4_points",
          (
            "t55"."m4_raw" IS NOT NULL
          ) OR (
            "t55"."ov_4" IS NOT NULL
          ) AS "m4_has_data",
          "t55"."ov_4" IS NOT NULL AS "m4_overridden",
          1.0 * 1.0 AS "_m4_w",
          1.0 * CASE WHEN "t55"."segment_rule" = 'enterprise' THEN 20.0 ELSE 40.0 END AS "_d_usage_w",
          1.0 * 30.0 AS "_d_relationship_w",
          1.0 * 30.0 AS "_d_voice_w"
        FROM (
          SELECT
            "t54"."account_id",
            "t54"."as_of",
            "t54"."parent_account_id",
            "t54"."arr",
            "t54"."segment_rule",
            "t54"."m0_raw",
            "t54"."m1_raw",
            "t54"."m2_raw",
            "t54"."m3_raw",
            "t54"."m4_raw",
            "t36"."ov_0",
            "t36"."ov_1",
            "t36"."ov_2",
            "t36"."ov_3",
            "t36"."ov_4",
            "t36"."ov_overall",
            "t36"."ov_overall_reason"
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t51"."account_id",
                "t51"."as_of",
                "t51"."parent_account_id",
                "t51"."arr",
                CASE
                  WHEN (
                    "t51"."segment" = 'enterprise'
                  ) AND (
                    "t51"."arr" >= 100000.0
                  )
                  THEN 'enterprise'
                  ELSE CAST(NULL AS TEXT)
                END AS "segment_rule",
                COALESCE("t51"."usage_events_0", 0.0) / NULLIF(CAST("t51"."seats" AS DOUBLE), 0) AS "m0_raw",
                (
                  (
                    COALESCE("t51"."usage_events_0", 0.0) - COALESCE("t51"."usage_events_1", 0.0)
                  ) * 100.0
                ) / NULLIF(COALESCE("t51"."usage_events_1", 0.0), 0) AS "m1_raw",
                CAST(DATE_DIFF('DAY', "t51"."interactions_0", "t51"."as_of") AS DOUBLE) AS "m2_raw",
                COALESCE("t51"."contacts_0", FALSE) AS "m3_raw",
                "t51"."surveys_0" AS "m4_raw"
              FROM (
                SELECT
                  "t50"."account_id",
                  "t50"."name",
                  "t50"."segment",
                  "t50"."industry",
                  "t50"."csm",
                  "t50"."currency",
                  "t50"."customer_since",
                  "t50"."parent_account_id",
                  "t50"."as_of",
                  "t50"."active",
                  "t50"."arr",
                  "t50"."seats",
                  "t50"."plan",
                  "t50"."days_to_renewal",
                  "t50"."tenure_days",
                  "t45"."usage_events_0",
                  "t45"."usage_events_1",
                  "t38"."interactions_0",
                  "t42"."contacts_0",
                  "t48"."surveys_0"
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t14"."account_id",
                      "t14"."name",
                      "t14"."segment",
                      "t14"."industry",
                      "t14"."csm",
                      "t14"."currency",
                      "t14"."customer_since",
                      "t14"."parent_account_id",
                      "t13"."as_of",
                      (
                        COALESCE("t37"."n_active", 0) > 0
                      )
                      OR (
                        (
                          "t28"."has_subs" IS NULL
                        )
                        AND (
                          (
                            "t14"."customer_since" IS NULL
                          )
                          OR (
                            "t14"."customer_since" <= "t13"."as_of"
                          )
                        )
                      ) AS "active",
                      "t37"."arr",
                      "t37"."seats",
                      "t37"."plan",
                      CASE
                        WHEN "t37"."open_ended" > 0
                        THEN CAST(NULL AS BIGINT)
                        ELSE DATE_DIFF('DAY', "t13"."as_of", "t37"."renewal")
                      END AS "days_to_renewal",
                      DATE_DIFF('DAY', COALESCE("t37"."first_start", "t14"."customer_since"), "t13"."as_of") AS "tenure_days"
                    FROM (
                      SELECT
                        "t2"."account_id",
                        "t2"."name",
                        "t2"."segment",
                        "t2"."industry",
                        "t2"."csm",
                        "t2"."currency",
                        "t2"."customer_since",
                        "t2"."parent_account_id"
                      FROM "accounts" AS "t2"
                    ) AS "t14"
                    CROSS JOIN (
                      SELECT
                        "t1"."as_of"
                      FROM "ibis_memtable" AS "t1"
                    ) AS "t13"
                    LEFT OUTER JOIN (
                      SELECT
                        "t27"."account_id",
                        "t27"."as_of",
                        COUNT(*) FILTER(WHERE
                          (
                            "t27"."end_date" IS NULL
                          ) OR (
                            "t27"."end_date" > "t27"."as_of"
                          )) AS "n_active",
                        SUM("t27"."arr") FILTER(WHERE
                          (
                            "t27"."end_date" IS NULL
                          ) OR (
                            "t27"."end_date" > "t27"."as_of"
                          )) AS "arr",
                        SUM("t27"."seats") FILTER(WHERE
                          (
                            "t27"."end_date" IS NULL
                          ) OR (
                            "t27"."end_date" > "t27"."as_of"
                          )) AS "seats",
                        FIRST("t27"."plan" ORDER BY "t27"."start_date" DESC) FILTER(WHERE
                          (
                            "t27"."end_date" IS NULL
                          ) OR (
                            "t27"."end_date" > "t27"."as_of"
                          )) AS "plan",
                        MAX("t27"."end_date") FILTER(WHERE
                          (
                            "t27"."end_date" IS NULL
                          ) OR (
                            "t27"."end_date" > "t27"."as_of"
                          )) AS "renewal",
                        COUNT(*) FILTER(WHERE
                          (
                            (
                              "t27"."end_date" IS NULL
                            ) OR (
                              "t27"."end_date" > "t27"."as_of"
                            )
                          )
                          AND (
                            "t27"."end_date" IS NULL
                          )) AS "open_ended",
                        MIN("t27"."start_date") AS "first_start"
                      FROM (
                        SELECT
                          "t8"."subscription_id",
                          "t8"."account_id",
                          "t8"."start_date",
                          "t8"."end_date",
                          "t8"."arr",
                          "t8"."plan",
                          "t8"."seats",
                          "t8"."status",
                          "t13"."as_of"
                        FROM "subscriptions" AS "t8"
                        INNER JOIN (
                          SELECT
                            "t1"."as_of"
                          FROM "ibis_memtable" AS "t1"
                        ) AS "t13"
                          ON "t8"."start_date" <= "t13"."as_of"
                      ) AS "t27"
                      GROUP BY
                        1,
                        2
                    ) AS "t37"
                      ON "t14"."account_id" = "t37"."account_id" AND "t13"."as_of" = "t37"."as_of"
                    LEFT OUTER JOIN (
                      SELECT
                        "t20"."account_id",
                        TRUE AS "has_subs"
                      FROM (
                        SELECT DISTINCT
                          *
                        FROM (
                          SELECT
                            "t7"."account_id"
                          FROM "subscriptions" AS "t7"
                        ) AS "t11"
                      ) AS "t20"
                    ) AS "t28"
                      ON "t14"."account_id" = "t28"."account_id"
                  ) AS "t46"
                  WHERE
                    "t46"."active"
                ) AS "t50"
                LEFT OUTER JOIN (
                  SELECT
                    "t40"."account_id",
                    MAKE_DATE(2024, 3, 1) AS "as_of",
                    "t40"."usage_events_0",
                    "t40"."usage_events_1"
                  FROM (
                    SELECT
                      "t30"."account_id",
                      CAST(COUNT(*) FILTER(WHERE
                        (
                          "t30"."event" = 'login'
                        )
                        AND (
                          "t30"."occurred_at" >= MAKE_TIMESTAMP(2024, 2, 2, 0, 0, 0.0)
                        )) AS DOUBLE) AS "usage_events_0",
                      CAST(COUNT(*) FILTER(WHERE
                        (
                          "t30"."event" = 'login'
                        )
                        AND (
                          "t30"."occurred_at" < MAKE_TIMESTAMP(2024, 2, 2, 0, 0, 0.0)
                        )) AS DOUBLE) AS "usage_events_1"
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          "t16"."account_id",
                          "t16"."user_id",
                          "t16"."event",
                          "t16"."occurred_at",
                          "t16"."quantity",
                          CAST("t16"."occurred_at" AS DATE) AS "_day"
                        FROM (
                          SELECT
                            *
                          FROM "usage_events" AS "t5"
                          WHERE
                            "t5"."occurred_at" < MAKE_TIMESTAMP(2024, 3, 1, 0, 0, 0.0)
                            AND "t5"."occurred_at" >= MAKE_TIMESTAMP(2024, 1, 5, 0, 0, 0.0)
                        ) AS "t16"
                      ) AS "t24"
                      WHERE
                        "t24"."occurred_at" >= MAKE_TIMESTAMP(2024, 1, 5, 0, 0, 0.0)
                    ) AS "t30"
                    GROUP BY
                      1
                  ) AS "t40"
                ) AS "t45"
                  ON "t50"."account_id" = "t45"."account_id" AND "t50"."as_of" = "t45"."as_of"
                LEFT OUTER JOIN (
                  SELECT
                    "t32"."account_id",
                    MAKE_DATE(2024, 3, 1) AS "as_of",
                    "t32"."interactions_0"
                  FROM (
                    SELECT
                      "t22"."account_id",
                      CAST(MAX("t22"."occurred_at") FILTER(WHERE
                        "t22"."kind" IN ('meeting', 'qbr')) AS DATE) AS "interactions_0"
                    FROM (
                      SELECT
                        "t15"."interaction_id",
                        "t15"."account_id",
                        "t15"."kind",
                        "t15"."occurred_at",
                        "t15"."direction",
                        "t15"."responded",
                        "t15"."contact_id",
                        "t15"."notes",
                        CAST("t15"."occurred_at" AS DATE) AS "_day"
                      FROM (
                        SELECT
                          *
                        FROM "interactions" AS "t3"
                        WHERE
                          "t3"."occurred_at" < MAKE_TIMESTAMP(2024, 3, 1, 0, 0, 0.0)
                      ) AS "t15"
                    ) AS "t22"
                    GROUP BY
                      1
                  ) AS "t32"
                ) AS "t38"
                  ON "t50"."account_id" = "t38"."account_id" AND "t50"."as_of" = "t38"."as_of"
                LEFT OUTER JOIN (
                  SELECT
                    "t39"."account_id",
                    MAKE_DATE(2024, 3, 1) AS "as_of",
                    "t39"."contacts_0"
                  FROM (
                    SELECT
                      "t23"."account_id",
                      COUNT(*) FILTER(WHERE
                        (
                          "t23"."is_champion" = TRUE
                        )
                        AND (
                          (
                            (
                              "t23"."started_at" IS NULL
                            )
                            OR (
                              "t23"."started_at" < MAKE_DATE(2024, 3, 1)
                            )
                          )
                          AND (
                            (
                              "t23"."ended_at" IS NULL
                            ) OR (
                              "t23"."ended_at" >= MAKE_DATE(2024, 3, 1)
                            )
                          )
                        )) > 0 AS "contacts_0"
                    FROM (
                      SELECT
                        "t19"."contact_id",
                        "t19"."account_id",
                        "t19"."name",
                        "t19"."email",
                        "t19"."role",
                        "t19"."is_champion",
                        "t19"."is_decision_maker",
                        "t19"."started_at",
                        "t19"."ended_at",
                        "t19"."started_at" AS "_day"
                      FROM (
                        SELECT
                          *
                        FROM "contacts" AS "t4"
                        WHERE
                          (
                            "t4"."started_at" IS NULL
                          )
                          OR (
                            "t4"."started_at" < MAKE_DATE(2024, 3, 1)
                          )
                      ) AS "t19"
                    ) AS "t23"
                    GROUP BY
                      1
                  ) AS "t39"
                ) AS "t42"
                  ON "t50"."account_id" = "t42"."account_id" AND "t50"."as_of" = "t42"."as_of"
                LEFT OUTER JOIN (
                  SELECT
                    "t44"."account_id",
                    MAKE_DATE(2024, 3, 1) AS "as_of",
                    "t44"."surveys_0"
                  FROM (
                    SELECT
                      "t31"."account_id",
                      (
                        (
                          COUNT(*) FILTER(WHERE
                            (
                              "t31"."kind" = 'nps'
                            ) AND (
                              "t31"."score" >= 9
                            )) - COUNT(*) FILTER(WHERE
                            (
                              "t31"."kind" = 'nps'
                            ) AND (
                              "t31"."score" <= 6
                            ))
                        ) * 100.0
                      ) / NULLIF(COUNT(*) FILTER(WHERE
                        "t31"."kind" = 'nps'), 0) AS "surveys_0"
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          "t17"."response_id",
                          "t17"."account_id",
                          "t17"."contact_id",
                          "t17"."kind",
                          "t17"."score",
                          "t17"."answered_at",
                          "t17"."comment",
                          CAST("t17"."answered_at" AS DATE) AS "_day"
                        FROM (
                          SELECT
                            *
                          FROM "surveys" AS "t6"
                          WHERE
                            "t6"."answered_at" < MAKE_TIMESTAMP(2024, 3, 1, 0, 0, 0.0)
                            AND "t6"."answered_at" >= MAKE_TIMESTAMP(2023, 3, 2, 0, 0, 0.0)
                        ) AS "t17"
                      ) AS "t25"
                      WHERE
                        "t25"."answered_at" >= MAKE_TIMESTAMP(2023, 3, 2, 0, 0, 0.0)
                    ) AS "t31"
                    GROUP BY
                      1
                  ) AS "t44"
                ) AS "t48"
                  ON "t50"."account_id" = "t48"."account_id" AND "t50"."as_of" = "t48"."as_of"
              ) AS "t51"
            ) AS "t52"
          ) AS "t54"
          LEFT OUTER JOIN (
            SELECT
              "t29"."account_id",
              "t29"."as_of",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'usage.logins_per_seat_28d') AS "ov_0",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'usage.login_trend') AS "ov_1",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'relationship.days_since_meeting') AS "ov_2",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'relationship.champion_present') AS "ov_3",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'voice.nps_365d') AS "ov_4",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'overall') AS "ov_overall",
              FIRST("t29"."reason" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'overall') AS "ov_overall_reason"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t18"."override_id",
                  "t18"."account_id",
                  "t18"."scorecard",
                  "t18"."target",
                  "t18"."value",
                  "t18"."reason",
                  "t18"."valid_from",
                  "t18"."until",
                  "t18"."author",
                  "t18"."created_at",
                  "t13"."as_of"
                FROM (
                  SELECT
                    *
                  FROM "health_overrides" AS "t0"
                  WHERE
                    "t0"."scorecard" = 'reference'
                ) AS "t18"
                CROSS JOIN (
                  SELECT
                    "t1"."as_of"
                  FROM "ibis_memtable" AS "t1"
                ) AS "t13"
              ) AS "t21"
              WHERE
                "t21"."valid_from" <= "t21"."as_of" AND "t21"."as_of" < "t21"."until"
            ) AS "t29"
            GROUP BY
              1,
              2
          ) AS "t36"
            ON "t54"."account_id" = "t36"."account_id" AND "t54"."as_of" = "t36"."as_of"
        ) AS "t55"
      ) AS "t56"
    ) AS "t57"
  ) AS "t58"
) AS "t59"
