"""How model instances become Whoosh documents, and each root model's index schema.

One index holds every indexed model that shares a root model (all Wagtail page
types share wagtailcore.Page's). A model instance becomes a *group* of documents:
the root document, then one child document per related object that carries
FilterFields (depth first). Child documents let a filter on two fields of a
multi-valued relation match the same related row, as the ORM does.
"""

from collections import defaultdict
from functools import cache

from whoosh import analysis, fields
from whoosh.support.charset import accent_map

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.fields.related import RelatedField

from modelsearch.backends.base import get_model_root
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    RelatedFields,
    SearchField,
    get_indexed_models,
)

from .codecs import codec_for_type, join_list, list_field

# Whoosh refuses names starting with "_" and Django field names cannot contain "__",
# so the "ms__" prefix never meets a column made from a model field.
PK = "ms__pk"  # stored primary key, on root documents only
OWNER = "ms__owner"  # root primary key on every document of a group
PK_VALUE = "ms__pkv"  # typed, sortable primary key
CONTENT_TYPES = "ms__ct"  # "app_label.Model" for the model and its indexed parents
KIND = "ms__kind"  # ROOT_KIND, or child_kind(relation path)
PRESENT = "ms__present"  # filter columns that hold a value (for isnull)
TEXT = "ms__text"  # all unboosted SearchField text
EDGE = "ms__edge"  # all AutocompleteField text, as edge n-grams
TEXT_GROUP_PREFIX = "ms__text_b"  # one more text column per distinct boost
ROOT_KIND = "root"

# Longer query words are cut to this length, so they still match by prefix.
EDGE_MAX = 20

# Built from Whoosh's own components only: the schema (with its analyzers) is
# pickled into every index, so a class of ours here would tie old indexes to it.
STEMMING_ANALYZER = (
    analysis.RegexTokenizer()
    | analysis.LowercaseFilter()
    | analysis.CharsetFilter(accent_map)
    | analysis.StopFilter(minsize=1)
    | analysis.StemFilter()
)
# Autocomplete matches word prefixes, so its words are never stemmed.
EDGE_ANALYZER = (
    analysis.RegexTokenizer()
    | analysis.LowercaseFilter()
    | analysis.CharsetFilter(accent_map)
    | analysis.NgramFilter(minsize=1, maxsize=EDGE_MAX, at="start")
)
WORD_ANALYZER = (
    analysis.RegexTokenizer()
    | analysis.LowercaseFilter()
    | analysis.CharsetFilter(accent_map)
)


def child_kind(path):
    return "rel:" + path


def text_group(boost):
    """The catch-all text column for content with this boost."""
    if not boost or float(boost) == 1.0:
        return TEXT
    name = format(float(boost), "g").replace(".", "_").replace("-", "m")
    return TEXT_GROUP_PREFIX + name


def _text_field(stored=False, spelling=False):
    # spelling=True keeps the unstemmed words too, for "did you mean" suggestions.
    # Only the catch-all columns need them (spelling.py reads no others): each
    # spelling column costs a second analysis of its text on every write.
    return fields.TEXT(
        analyzer=STEMMING_ANALYZER, stored=stored, phrase=True, spelling=spelling
    )


def _edge_field():
    return fields.TEXT(analyzer=EDGE_ANALYZER, phrase=False)


def column_name(field, model):
    """The Whoosh column of a search_fields entry of `model`.

    A field defined below the root model is prefixed with its model, so two page
    types can each have a `body` of a different kind in the one index.
    """
    definition = field.get_definition_model(model)
    root = get_model_root(model)
    prefix = ""
    if (
        definition is not None
        and definition is not root
        and hasattr(definition, "_meta")
    ):
        prefix = f"{definition._meta.app_label}_{definition.__name__}__".lower()
    if isinstance(field, RelatedFields):
        return prefix + field.field_name
    attname = field.get_attname(model)
    if isinstance(field, FilterField):
        return prefix + attname + "_filter"
    if isinstance(field, AutocompleteField):
        return prefix + attname + "_edgengrams"
    return prefix + attname


def filter_codec(field, model):
    """The codec of a FilterField and whether it holds several values per document."""
    codec = codec_for_type(field.get_type(model))
    try:
        model_field = model._meta.get_field(field.field_name)
    except FieldDoesNotExist:
        return codec, False
    return codec, bool(model_field.many_to_many or model_field.one_to_many)


def pk_codec(model):
    pk = get_model_root(model)._meta.pk
    while isinstance(pk, RelatedField):
        pk = pk.target_field
    return codec_for_type(pk.get_internal_type())


def related_model(field, model):
    return field.get_field(model).related_model


def has_filters(fields_list):
    """Whether a RelatedFields list needs child documents (FilterFields at any depth)."""
    for field in fields_list:
        if isinstance(field, FilterField):
            return True
        if isinstance(field, RelatedFields) and has_filters(field.fields):
            return True
    return False


def content_type_label(model):
    model = model._meta.concrete_model
    return f"{model._meta.app_label}.{model.__name__}"


def content_type_labels(model):
    labels = [content_type_label(model)]
    parent = model.indexed_get_parent()
    while parent is not None:
        labels.append(content_type_label(parent))
        parent = parent.indexed_get_parent()
    return labels


def as_text(value):
    """Flatten a SearchField value (string, list from a StreamField, manager...)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (models.Manager, models.QuerySet)):
        value = list(value.all())
    if isinstance(value, (list, tuple, set)):
        return "\n".join(text for text in map(as_text, value) if text)
    return str(value)


def _filter_values(field, obj):
    value = field.get_value(obj)
    if value is None:
        return []
    if isinstance(value, (models.Manager, models.QuerySet)):
        return list(value.values_list("pk", flat=True))
    if isinstance(value, (list, tuple, set)):
        return [item for item in value if item is not None]
    return [value]


def _related_objects(field, obj):
    value = field.get_value(obj)
    if value is None:
        return []
    if isinstance(value, (models.Manager, models.QuerySet)):
        return list(value.all())
    if isinstance(value, models.Model):
        return [value]
    return list(value)


class _Group:
    """What a model instance contributes to its index while it is being walked."""

    def __init__(self, owner):
        self.owner = owner
        self.texts = defaultdict(list)
        self.edges = []
        self.children = []


class ModelMapping:
    """Columns and documents for one indexed model."""

    def __init__(self, model):
        self.model = model
        self.root = get_model_root(model)

    def column(self, field):
        return column_name(field, self.model)

    def document_group(self, obj):
        """The root document for `obj`, followed by its child documents."""
        pk = str(obj.pk)
        doc = {
            PK: pk,
            OWNER: pk,
            KIND: ROOT_KIND,
            PK_VALUE: pk_codec(self.model).encode_value(obj.pk),
            CONTENT_TYPES: join_list(content_type_labels(self.model)),
            PRESENT: [PK_VALUE],
        }
        group = _Group(pk)
        self._fill(doc, self.model, obj, self.model.get_search_fields(), "", group)
        for column, parts in group.texts.items():
            doc[column] = "\n".join(parts)
        if group.edges:
            doc[EDGE] = "\n".join(group.edges)
        docs = [doc, *group.children]
        for each in docs:
            each[PRESENT] = join_list(each.get(PRESENT, []))
        return docs

    def _fill(self, doc, model, obj, search_fields, path, group):
        for field in search_fields:
            if isinstance(field, RelatedFields):
                self._fill_related(model, obj, field, path, group)
                continue
            column = column_name(field, model)
            if isinstance(field, FilterField):
                self._fill_filter(doc, model, obj, field, path + column)
                continue
            text = as_text(field.get_value(obj))
            if not text:
                continue
            if isinstance(field, AutocompleteField):
                group.edges.append(text)
            elif isinstance(field, SearchField):
                group.texts[text_group(field.boost)].append(text)
            # Per-field columns (for `fields=[...]` and highlighting) exist for the
            # model's own fields only; related text is searched through the groups.
            if not path:
                doc[column] = text

    def _fill_filter(self, doc, model, obj, field, column):
        codec, multi = filter_codec(field, model)
        values = [codec.encode_value(value) for value in _filter_values(field, obj)]
        if not values:
            return
        if multi:
            doc[column] = values if codec.numeric else join_list(values)
        else:
            doc[column] = values[0]
        doc.setdefault(PRESENT, []).append(column)

    def _fill_related(self, model, obj, field, path, group):
        sub_path = path + column_name(field, model)
        target = related_model(field, model)
        nested = has_filters(field.fields)
        for related in _related_objects(field, obj):
            child = {}
            if nested:
                # Appended before its own children are walked: depth-first order is
                # what Whoosh's nested queries rely on.
                child = {OWNER: group.owner, KIND: child_kind(sub_path)}
                group.children.append(child)
            self._fill(child, target, related, field.fields, sub_path + ".", group)


@cache
def root_schema(root):
    """The Whoosh fields and boosted text columns of the index for `root`."""
    schema = {
        PK: fields.ID(stored=True, unique=True),
        OWNER: fields.ID(),
        PK_VALUE: pk_codec(root).field_type(False),
        CONTENT_TYPES: list_field(),
        KIND: fields.ID(),
        PRESENT: list_field(),
        TEXT: _text_field(spelling=True),
        EDGE: _edge_field(),
    }
    boosts = {TEXT: 1.0}
    for model in get_indexed_models():
        if get_model_root(model) is root:
            _walk_schema(model, model.get_search_fields(), "", schema, boosts)
    return schema, boosts


def _walk_schema(model, search_fields, path, schema, boosts):
    for field in search_fields:
        column = column_name(field, model)
        if isinstance(field, RelatedFields):
            _walk_schema(
                related_model(field, model),
                field.fields,
                path + column + ".",
                schema,
                boosts,
            )
        elif isinstance(field, FilterField):
            codec, multi = filter_codec(field, model)
            schema.setdefault(path + column, codec.field_type(multi))
        elif isinstance(field, AutocompleteField):
            if not path:
                schema.setdefault(column, _edge_field())
        elif isinstance(field, SearchField):
            group = text_group(field.boost)
            schema.setdefault(group, _text_field(spelling=True))
            boosts[group] = float(field.boost or 1.0)
            if not path:
                schema.setdefault(column, _text_field(stored=True))


def whoosh_schema(root):
    schema = fields.Schema()
    for name, field_type in root_schema(root)[0].items():
        schema.add(name, field_type)
    return schema
