"""The assessment plan, stored scores and the evidence sources of docs/rules.md ("能力评分").

Existing evidence gets its source kind from the record it came from (quiz answers 测试, drill
runs 演练); every indicator gets its stable id; every model version gets the default plan."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import modelcluster.fields
import uuid
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from assessments.defaults import default_plan_entries, indicator_uuid


def evidence_sources_fill(apps, schema_editor):
    Evidence = apps.get_model("assessments", "Evidence")
    Evidence.objects.filter(source_type="casebank.drillattempt").update(source="演练")
    Evidence.objects.exclude(source_type="casebank.drillattempt").update(source="测试")


def indicator_uuids_fill(apps, schema_editor):
    Indicator = apps.get_model("assessments", "Indicator")
    for indicator in Indicator.objects.all():
        indicator.uuid = indicator_uuid(indicator.code)
        indicator.save(update_fields=["uuid"])


def default_plans_create(apps, schema_editor):
    CompetencyModel = apps.get_model("assessments", "CompetencyModel")
    PlanEntry = apps.get_model("assessments", "PlanEntry")
    for model in CompetencyModel.objects.all():
        if not PlanEntry.objects.filter(model=model).exists():
            PlanEntry.objects.bulk_create(PlanEntry(model=model, **row) for row in default_plan_entries())


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0002_competency_defaults_and_beat'),
        ('lms', '0005_private_media'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CompetencyScore',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(max_length=7, verbose_name='期间')),
                ('kind', models.CharField(choices=[('indicator', '二级指标'), ('primary', '一级指标'), ('overall', '综合')], max_length=10, verbose_name='类别')),
                ('code', models.CharField(blank=True, max_length=10, verbose_name='编码')),
                ('score', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='得分')),
                ('evidence_count', models.PositiveIntegerField(default=0, verbose_name='计入证据条数')),
                ('computed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='计算时间')),
            ],
            options={
                'verbose_name': '能力得分',
                'verbose_name_plural': '能力得分',
                'ordering': ['worker', 'period', 'kind', 'code'],
            },
        ),
        migrations.CreateModel(
            name='CompetencyStale',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(max_length=7)),
                ('marked_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.CreateModel(
            name='CompetencyUnitStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(max_length=7)),
                ('kind', models.CharField(choices=[('indicator', '二级指标'), ('primary', '一级指标'), ('overall', '综合')], max_length=10)),
                ('code', models.CharField(blank=True, max_length=10)),
                ('scored', models.PositiveIntegerField(default=0)),
                ('score_sum', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14)),
                ('excellent', models.PositiveIntegerField(default=0)),
                ('good', models.PositiveIntegerField(default=0)),
                ('passing', models.PositiveIntegerField(default=0)),
                ('improve', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='MetricRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('indicator_code', models.CharField(max_length=10, verbose_name='指标代码')),
                ('value', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='数值')),
                ('occurred_on', models.DateField(verbose_name='日期')),
                ('origin', models.CharField(max_length=50, verbose_name='来源')),
                ('imported_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': '业务指标',
                'verbose_name_plural': '业务指标',
                'ordering': ['-occurred_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Observation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('observed_on', models.DateField(verbose_name='观察日期')),
                ('comment', models.TextField(blank=True, verbose_name='评语')),
                ('context_type', models.CharField(blank=True, max_length=40)),
                ('context_id', models.CharField(blank=True, max_length=64)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': '观察评价',
                'verbose_name_plural': '观察评价',
                'ordering': ['-observed_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ObservationRating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('indicator_code', models.CharField(max_length=10, verbose_name='能力指标')),
                ('stars', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='星级')),
            ],
        ),
        migrations.CreateModel(
            name='PeriodPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(max_length=7, verbose_name='期间')),
                ('model_version', models.PositiveIntegerField(verbose_name='模型版本')),
                ('indicator_code', models.CharField(max_length=10, verbose_name='指标编码')),
                ('primary_code', models.CharField(max_length=5, verbose_name='一级指标编码')),
                ('source', models.CharField(choices=[('测试', '测试'), ('演练', '演练'), ('观察', '观察'), ('群众评价', '群众评价'), ('自评', '自评'), ('业务指标', '业务指标')], max_length=8, verbose_name='证据来源')),
                ('weight', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='权重（%）')),
                ('method', models.CharField(choices=[('衰减平均', '衰减平均'), ('最新', '最新'), ('平均', '平均'), ('最高', '最高')], max_length=8, verbose_name='计算方法')),
                ('decay', models.DecimalField(decimal_places=2, max_digits=3, verbose_name='衰减系数')),
                ('min_count', models.PositiveSmallIntegerField(default=1, verbose_name='最少证据条数')),
            ],
            options={
                'verbose_name': '期间评估方案',
                'verbose_name_plural': '期间评估方案',
                'ordering': ['period', 'indicator_code', 'source'],
            },
        ),
        migrations.CreateModel(
            name='PlanEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('indicator_code', models.CharField(max_length=10, verbose_name='指标编码')),
                ('source', models.CharField(choices=[('测试', '测试'), ('演练', '演练'), ('观察', '观察'), ('群众评价', '群众评价'), ('自评', '自评'), ('业务指标', '业务指标')], max_length=8, verbose_name='证据来源')),
                ('weight', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='权重（%）')),
                ('method', models.CharField(choices=[('衰减平均', '衰减平均'), ('最新', '最新'), ('平均', '平均'), ('最高', '最高')], default='衰减平均', max_length=8, verbose_name='计算方法')),
                ('decay', models.DecimalField(decimal_places=2, default=Decimal('0.65'), help_text='衰减平均中最新一条证据的权重：s₁ = x₁，sₖ = a·xₖ + (1 − a)·sₖ₋₁', max_digits=3, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(1)], verbose_name='衰减系数')),
                ('min_count', models.PositiveSmallIntegerField(default=1, help_text='本期证据少于此数时该来源不计入（群众评价默认 5）', verbose_name='最少证据条数')),
            ],
            options={
                'verbose_name': '评估方案条目',
                'verbose_name_plural': '评估方案',
                'ordering': ['model', 'indicator_code', 'source'],
            },
        ),
        migrations.CreateModel(
            name='SelfAssessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='当月第一天', verbose_name='月份')),
                ('taken_on', models.DateField(verbose_name='填写日期')),
                ('answers', models.JSONField(default=dict, verbose_name='作答')),
                ('score_coping', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='压力应对得分')),
                ('score_emotion', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='情绪管理得分')),
                ('band', models.CharField(max_length=10, verbose_name='结果区间')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': '压力与倦怠自评',
                'verbose_name_plural': '压力与倦怠自评',
                'ordering': ['-taken_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='SurveyResponse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='当月第一天', verbose_name='月份')),
                ('submitted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='提交时间')),
                ('answers', models.JSONField(default=dict, verbose_name='作答')),
                ('comment', models.TextField(blank=True, verbose_name='意见建议')),
                ('status', models.CharField(choices=[('已计入', '已计入'), ('待审核', '待审核'), ('已放行', '已放行'), ('已驳回', '已驳回')], default='已计入', max_length=4, verbose_name='状态')),
                ('device_key', models.CharField(db_index=True, max_length=64)),
                ('address_key', models.CharField(max_length=64)),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': '群众评价',
                'verbose_name_plural': '群众评价',
                'ordering': ['-submitted_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='evidence',
            name='source',
            field=models.CharField(choices=[('测试', '测试'), ('演练', '演练'), ('观察', '观察'), ('群众评价', '群众评价'), ('自评', '自评'), ('业务指标', '业务指标')], default='测试', max_length=8, verbose_name='证据来源'),
            preserve_default=False,
        ),
        migrations.RunPython(evidence_sources_fill, migrations.RunPython.noop),
        migrations.AddField(
            model_name='indicator',
            name='uuid',
            field=models.UUIDField(default=uuid.uuid4, editable=False, verbose_name='唯一标识'),
        ),
        migrations.AddIndex(
            model_name='evidence',
            index=models.Index(fields=['occurred_on'], name='evidence_by_date'),
        ),
        migrations.RunPython(indicator_uuids_fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='indicator',
            constraint=models.UniqueConstraint(fields=('model', 'uuid'), name='indicator_unique_uuid_per_model'),
        ),
        migrations.AddField(
            model_name='competencyscore',
            name='worker',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='competency_scores', to='lms.worker', verbose_name='人员'),
        ),
        migrations.AddField(
            model_name='competencystale',
            name='worker',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='lms.worker'),
        ),
        migrations.AddField(
            model_name='competencyunitstat',
            name='org_unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='competency_stats', to='lms.orgunit'),
        ),
        migrations.AddField(
            model_name='metricrecord',
            name='worker',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='metric_records', to='lms.worker', verbose_name='人员'),
        ),
        migrations.AddField(
            model_name='observation',
            name='rater',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='observations_given', to=settings.AUTH_USER_MODEL, verbose_name='评价人'),
        ),
        migrations.AddField(
            model_name='observation',
            name='worker',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='observations', to='lms.worker', verbose_name='被评人员'),
        ),
        migrations.AddField(
            model_name='observationrating',
            name='observation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ratings', to='assessments.observation'),
        ),
        migrations.AddConstraint(
            model_name='periodplan',
            constraint=models.UniqueConstraint(fields=('period', 'indicator_code', 'source'), name='period_plan_unique_source'),
        ),
        migrations.AddField(
            model_name='planentry',
            name='model',
            field=modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='plan', to='assessments.competencymodel', verbose_name='模型版本'),
        ),
        migrations.AddField(
            model_name='selfassessment',
            name='worker',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='self_assessments', to='lms.worker', verbose_name='人员'),
        ),
        migrations.AddField(
            model_name='surveyresponse',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='surveyresponse',
            name='worker',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='survey_responses', to='lms.worker', verbose_name='网格员'),
        ),
        migrations.AddIndex(
            model_name='competencyscore',
            index=models.Index(fields=['period', 'kind', 'code'], name='competency_score_by_code'),
        ),
        migrations.AddConstraint(
            model_name='competencyscore',
            constraint=models.UniqueConstraint(fields=('worker', 'period', 'kind', 'code'), name='competency_score_unique'),
        ),
        migrations.AddConstraint(
            model_name='competencystale',
            constraint=models.UniqueConstraint(fields=('worker', 'period'), name='competency_stale_unique'),
        ),
        migrations.AddIndex(
            model_name='competencyunitstat',
            index=models.Index(fields=['period', 'kind', 'code'], name='competency_unit_stat_by_code'),
        ),
        migrations.AddConstraint(
            model_name='competencyunitstat',
            constraint=models.UniqueConstraint(fields=('org_unit', 'period', 'kind', 'code'), name='competency_unit_stat_unique'),
        ),
        migrations.AddConstraint(
            model_name='metricrecord',
            constraint=models.UniqueConstraint(fields=('worker', 'indicator_code', 'occurred_on', 'origin'), name='metric_record_identity'),
        ),
        migrations.AddConstraint(
            model_name='observationrating',
            constraint=models.UniqueConstraint(fields=('observation', 'indicator_code'), name='observation_one_rating_per_code'),
        ),
        migrations.AddConstraint(
            model_name='observationrating',
            constraint=models.CheckConstraint(condition=models.Q(('stars__gte', 1), ('stars__lte', 5)), name='observation_stars_1_5'),
        ),
        migrations.AddConstraint(
            model_name='planentry',
            constraint=models.UniqueConstraint(fields=('model', 'indicator_code', 'source'), name='plan_entry_unique_source'),
        ),
        migrations.AddConstraint(
            model_name='planentry',
            constraint=models.CheckConstraint(condition=models.Q(('weight__gte', 0), ('weight__lte', 100)), name='plan_weight_0_100'),
        ),
        migrations.AddConstraint(
            model_name='selfassessment',
            constraint=models.UniqueConstraint(fields=('worker', 'month'), name='self_assessment_once_a_month'),
        ),
        migrations.AddIndex(
            model_name='surveyresponse',
            index=models.Index(fields=['worker', 'address_key', 'submitted_at'], name='survey_burst_lookup'),
        ),
        migrations.AddIndex(
            model_name='surveyresponse',
            index=models.Index(fields=['worker', 'month', 'device_key'], name='survey_device_month'),
        ),
        migrations.RunPython(default_plans_create, migrations.RunPython.noop),
    ]
